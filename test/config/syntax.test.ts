/** YAML syntax errors as config problems: the first one with line:col, what follows from it counted, no source quoted. */
import t from 'tap';
import { LineCounter, parseDocument } from 'yaml';
import { ProblemCollector } from '../../src/config/problems.js';
import { maskReferences } from '../../src/config/references.js';
import { reportSyntaxErrors } from '../../src/config/syntax.js';

/** Parsed as src/config/load.ts parses a config (references masked, no code frames). */
function problemsOf(source: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(maskReferences(source), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = new ProblemCollector('smoke-fix.yaml', lineCounter);
  reportSyntaxErrors(doc.errors, source, problems);
  return problems.problems;
}

t.test('a ${VAR} that breaks a flow mapping: one problem, where it is, with the fix, and no password', async (t) => {
  const source = 'baseUrl: http://x\nauth:\n  member: { type: basic, username: alice, password: ${PW:-hunter2{} }\n';
  const [first, ...rest] = problemsOf(source);
  t.same(rest, []);
  t.match(first, { file: 'smoke-fix.yaml', line: 3, path: '' });
  t.match(first?.message, /^YAML syntax: .*; inside `\{ \}` or `\[ \]` a `\$\{VAR\}` must be quoted: "\$\{VAR\}"/);
  t.notMatch(first?.message, 'hunter2');
});

t.test('duplicate keys are each reported; errors that follow from the first are only counted', async (t) => {
  const dup = problemsOf('baseUrl: a\nendpoints: [/]\nbaseUrl: b\n');
  t.same(dup.map((p) => [p.line, p.message]), [[3, 'YAML syntax: this key appears twice in the same mapping: remove one']]);
  const cascade = problemsOf('endpoints: [ /a, /b\nreport: { dir: "x" \nhttp: 1\n');
  t.equal(cascade.length, 1);
  t.match(cascade[0]?.message, /\(and \d+ more errors? that follow from it\)$/);
  t.same(problemsOf('baseUrl: fine\n'), []);
});

t.test('a message that quotes the source has the quote cut', async (t) => {
  const source = 'database:\n  url: "postgres://u:s3cret\\q@h/db"\n';
  const [problem] = problemsOf(source);
  t.match(problem?.message, /^YAML syntax: /);
  t.notMatch(problem?.message, 's3cret');
});
