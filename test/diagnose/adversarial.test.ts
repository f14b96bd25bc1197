/**
 * 1 MiB hostile bodies: shapes that make backtracking regular expressions go quadratic or worse
 * (unterminated prefixes, suffixes with no prefix, endless dotted names, entity soup, deep JSON).
 * Each must still give exactly the right answer; a super-linear matcher would not finish within
 * tap's timeout. Durations are printed as comments, not asserted.
 */
import t from 'tap';
import { diagnose } from '../../src/diagnose/diagnose.js';

const MIB = 1 << 20;
const fill = (unit: string): string => unit.repeat(Math.ceil(MIB / unit.length));
const real = '\nrelation "user_profile_about_item" does not exist\n';

const cases: { name: string; text: string; contentType?: string; names: string[] }[] = [
  { name: 'unterminated `relation "` prefixes', text: fill('relation "') + real, names: ['user_profile_about_item'] },
  { name: 'suffixes with no prefix', text: fill('" does not exist') + real, names: ['user_profile_about_item'] },
  { name: 'prefix + suffix overlapping chains', text: fill('relation "relation "" does not exist') + real, names: ['user_profile_about_item'] },
  { name: 'one opening quote, then a megabyte of name', text: 'relation "' + fill('x') + '" does not exist' + real, names: ['user_profile_about_item'] },
  { name: 'endless dotted unquoted names', text: 'column ' + fill('a.') + ' does not exist' + real, names: ['user_profile_about_item'] },
  { name: 'dotted names before the Korean suffix', text: fill('a.') + ' 칼럼 없음' + real, names: ['user_profile_about_item'] },
  { name: 'quote soup', text: fill('"«»「」') + real, names: ['user_profile_about_item'] },
  {
    name: 'entity soup in HTML',
    text: '<html><pre>' + fill('relation &quot;&#34;&laquo;&nbsp;&amp;') + 'relation &quot;user_profile_about_item&quot; does not exist</pre>',
    contentType: 'text/html',
    names: ['user_profile_about_item'],
  },
  {
    name: 'deeply nested JSON',
    text: '['.repeat(MIB / 2) + JSON.stringify(real) + ']'.repeat(MIB / 2),
    contentType: 'application/json',
    names: ['user_profile_about_item'],
  },
  {
    name: 'thousands of coded JSON errors with unterminated quotes',
    text: JSON.stringify([...Array.from({ length: MIB / 64 }, () => ({ code: '42P01', message: '"' + 'y'.repeat(40) })), { code: '42P01', message: 'weg: "user_profile_about_item"' }]),
    names: ['user_profile_about_item'],
  },
  // Escaped-twice handling (unescape layers, JSON inside JSON strings) must stay linear too.
  { name: 'backslash-quote soup', text: fill('\\\\\\"relation ') + real, names: ['user_profile_about_item'] },
  {
    name: 'JSON lines whose strings hold JSON holding JSON',
    text:
      Array.from({ length: MIB / 40 }, () => JSON.stringify({ msg: JSON.stringify({ e: JSON.stringify({ m: "ok" }) }) })).join('\n') +
      '\n' +
      JSON.stringify({ msg: JSON.stringify({ error: JSON.stringify({ message: real }) }) }),
    names: ['user_profile_about_item'],
  },
  {
    name: 'many distinct real messages (all found, in order)',
    text: Array.from({ length: MIB / 32 }, (_, i) => `relation "t${i}" does not exist`).join('\n'),
    names: Array.from({ length: MIB / 32 }, (_, i) => `t${i}`),
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.ok(c.text.length >= MIB, `body is ${c.text.length} characters`);
    const started = performance.now();
    const found = diagnose(c.text, c.contentType === undefined ? {} : { contentType: c.contentType });
    t.comment(`${Math.round(performance.now() - started)} ms`);
    t.same(
      found.map((f) => (f.kind !== 'missing-column' ? f.name : `column ${f.column}`)),
      c.names,
    );
  });
}
