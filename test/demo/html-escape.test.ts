import t from 'tap';
import { escapeHtml } from '../../src/demo/html-escape.js';

t.test("Django's five characters, ' as &#x27;, & first so nothing is escaped twice", async (t) => {
  t.equal(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#x27;Jerry&#x27;&lt;/a&gt;');
  t.equal(escapeHtml('&lt;'), '&amp;lt;');
});
