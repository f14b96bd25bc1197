/**
 * The name forms PostgreSQL prints: it puts the raw identifier between the quotes (no doubling of
 * embedded quotes), qualifies with the schema inside one pair of quotes, and prints
 * `column table.column` (table may be an alias) without quotes.
 */
import t from 'tap';
import { diagnose } from '../../src/diagnose/diagnose.js';

const cases: { text: string; want: object }[] = [
  { text: 'relation "x" does not exist', want: { kind: 'missing-relation', name: 'x' } },
  { text: 'relation "public.user_profile_about_item" does not exist', want: { kind: 'missing-relation', schema: 'public', name: 'user_profile_about_item' } },
  { text: 'relation "UserProfile" does not exist', want: { kind: 'missing-relation', name: 'UserProfile' } },
  { text: 'relation "Billing.InvoiceLine" does not exist', want: { kind: 'missing-relation', schema: 'Billing', name: 'InvoiceLine' } },
  { text: 'relation "user profile" does not exist', want: { kind: 'missing-relation', name: 'user profile' } },
  { text: 'relation "say "hi"" does not exist', want: { kind: 'missing-relation', name: 'say "hi"' } },
  { text: 'relation "Ünïcødé_表" does not exist', want: { kind: 'missing-relation', name: 'Ünïcødé_表' } },
  { text: 'relation "x; DROP TABLE users" does not exist', want: { kind: 'missing-relation', name: 'x; DROP TABLE users' } },
  { text: "relation \"x'); DELETE FROM auth_user; --\" does not exist", want: { kind: 'missing-relation', name: "x'); DELETE FROM auth_user; --" } },
  { text: 'column "left_at" does not exist', want: { kind: 'missing-column', column: 'left_at' } },
  { text: 'column "LeftAt" does not exist', want: { kind: 'missing-column', column: 'LeftAt' } },
  { text: 'column teams_membership.left_at does not exist', want: { kind: 'missing-column', table: 'teams_membership', column: 'left_at' } },
  // t is an alias here; it is kept as the table and the catalog lookup decides later.
  { text: 'column t.left_at does not exist', want: { kind: 'missing-column', table: 't', column: 'left_at' } },
  { text: 'column "left_at" of relation "teams_membership" does not exist', want: { kind: 'missing-column', column: 'left_at', table: 'teams_membership' } },
  { text: 'column "Left At" of relation "Teams Membership" does not exist', want: { kind: 'missing-column', column: 'Left At', table: 'Teams Membership' } },
  // Python's repr of the exception, as Django's local-vars table shows it: \n is two characters.
  { text: "ProgrammingError('relation \"x\" does not exist\\nLINE 1: SELECT 1 FROM x\\n')", want: { kind: 'missing-relation', name: 'x' } },
];

for (const { text, want } of cases) {
  t.test(text, async (t) => {
    const found = diagnose(text);
    t.equal(found.length, 1, 'exactly one finding');
    t.match(found[0], want);
    // Absent parts stay absent, so the lookup does not search a schema or table that was never named.
    if (!('schema' in want)) t.equal(found[0]?.schema, undefined, 'no schema');
    if (!('table' in want) && want && (want as { kind: string }).kind === 'missing-column') t.equal((found[0] as { table?: string }).table, undefined, 'no table');
  });
}

t.test('names that cannot be PostgreSQL output are not guessed', async (t) => {
  t.same(diagnose('relation "" does not exist'), [], 'empty name');
  t.same(diagnose(`relation "${'x'.repeat(200)}" does not exist`), [], 'longer than any identifier');
  t.same(diagnose('relation "user_profile\nabout" does not exist'), [], 'broken across lines');
  t.same(diagnose('column a b.c does not exist'), [], 'unquoted name with a space');
  t.same(diagnose('column "a.b" does not exist').map((f) => f.kind === 'missing-column' && [f.table, f.column]), [[undefined, 'a.b']], 'a quoted name with a dot is one column');
});

t.test('two messages on one line are two findings, neither swallowing the other', async (t) => {
  const found = diagnose('column "a" is ambiguous; relation "b" does not exist; column x.y does not exist');
  t.same(
    found.map((f) => (f.kind !== 'missing-column' ? ['relation', f.name] : ['column', f.table, f.column])),
    [
      ['relation', 'b'],
      ['column', 'x', 'y'],
    ],
  );
});

t.test('JSON Lines logs: escaped quotes inside JSON strings are read unescaped', async (t) => {
  const log = [
    '{"level":"info","msg":"GET /healthz 200"}',
    '{"level":"error","msg":"relation \\"user_profile_about_item\\" does not exist","sqlstate":"42P01"}',
    'plain line: column teams_membership.left_at does not exist',
  ].join('\n');
  t.same(
    diagnose(log).map((f) => [f.kind, f.language, f.kind !== 'missing-column' ? f.name : f.column]),
    [
      ['missing-relation', 'en', 'user_profile_about_item'],
      ['missing-column', 'en', 'left_at'],
    ],
  );
});
