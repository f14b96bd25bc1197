import t from 'tap';
import { textOf } from '../../src/util/html-text.js';

t.test('the visible text: no tags, comments, scripts or styles; entities decoded; spaces collapsed', async (t) => {
  const html = `<html><head><style>p { color: red }</style><script>var x = "<p>hidden</p>";</script></head>
    <body><!-- relation "ghost" does not exist --><h1>ProgrammingError</h1>
    <p>relation &quot;user_profile&quot; does&nbsp;not   exist &amp; more</p></body></html>`;
  t.equal(textOf(html), 'ProgrammingError relation "user_profile" does not exist & more', 'a decoded &nbsp; is a space like any other');
});
