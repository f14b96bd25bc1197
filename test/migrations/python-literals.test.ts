import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pyComment, pyString, pyTripleQuoted } from '../../src/migrations/python.js';
import { evalLiteral, readMigration } from './python.js';

const NASTY = [
  'plain',
  '',
  'ends with a quote"',
  'ends with two quotes""',
  'three """ quotes """ inside',
  '"""',
  'back\\slash at the end\\',
  'a \\n that is not a newline, and a real\nnewline',
  "single ' quotes ''' too",
  'carriage\rreturn and crlf\r\n',
  'tab\tform\fvertical\u000bescape\u001bbell\u0007del\u007f',
  'nel\u0085 ls\u2028 ps\u2029',
  'unicode «relation» ünïcödé 表 \ud83d\ude00',
  'lone surrogate \ud800 here',
  '$smoke_fix$ and %s and {braces}',
];

t.test('pyTripleQuoted and pyString: Python reads back exactly the original text', async (t) => {
  // Names by index: some cases hold characters a TAP stream would read as line breaks.
  for (const [i, text] of NASTY.entries()) {
    t.equal(await evalLiteral(pyTripleQuoted(text)), text, `triple-quoted case ${i}`);
    t.equal(await evalLiteral(pyString(text)), text, `one-line case ${i}`);
  }
});

t.test('the triple-quoted form keeps SQL readable', async (t) => {
  t.equal(pyTripleQuoted('SELECT "a"\nFROM "b";'), '"""\\\nSELECT "a"\nFROM "b";"""');
  t.equal(pyString("it's"), "'it\\'s'");
});

t.test('a comment cannot end early and smuggle code', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-py-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'm.py');
  const hostile = 'x\nimport os; os.system("id")\rdependencies = []\u2028y';
  await writeFile(file, `# ${pyComment(hostile)}\ndependencies = [('a', 'b')]\n`);
  const facts = await readMigration(file);
  t.same(facts.topLevel, ['Assign'], 'only the one assignment: the comment stayed a comment');
  t.same(facts.dependencies, [['a', 'b']]);
});
