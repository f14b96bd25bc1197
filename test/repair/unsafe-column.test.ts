/**
 * The advice for a column smoke-fix will not add unattended: what it says, and SQL that works when
 * a person runs it (on a real PostgreSQL, with the value for existing rows filled in).
 */
import t from 'tap';
import type { ColumnInfo } from '../../src/db/types.js';
import { unsafeColumnAdvice } from '../../src/repair/unsafe-column.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

const role: ColumnInfo = { name: 'role', type: 'text', notNull: true, default: null, defaultIsConstant: false };
const input = { schema: 'public', table: 'teams_membership', copySchema: 'test_schema', because: 'NOT NULL without a default' };

t.test('NOT NULL, no default, rows present: add nullable, fill, then constrain; it works by hand', async (t) => {
  const advice = unsafeColumnAdvice({ ...input, column: role, rows: { kind: 'exact', rows: 2 } });
  t.equal(
    advice.detail,
    'Column "role" of "test_schema"."teams_membership" is NOT NULL without a default; "public"."teams_membership" has 2 rows, and no default would fill them, so adding it NOT NULL in one statement fails; the suggested SQL adds it nullable, fills it (choose the value for existing rows) and then sets NOT NULL.',
  );
  const db = await createTestDatabase(t);
  await db.exec(`CREATE TABLE teams_membership (id int); INSERT INTO teams_membership VALUES (1), (2);`);
  await t.rejects(db.exec('ALTER TABLE public.teams_membership ADD COLUMN role text NOT NULL'), /contains null values/, 'the one statement would fail');
  await db.exec(advice.suggestedSql.replace('/* value for existing rows */', `'member'`));
  t.same(await db.query('SELECT role FROM teams_membership ORDER BY id'), [{ role: 'member' }, { role: 'member' }]);
  const [col] = await db.query<{ is_nullable: string }>(`SELECT is_nullable FROM information_schema.columns WHERE table_name = 'teams_membership' AND column_name = 'role'`);
  t.equal(col?.is_nullable, 'NO', 'and it ends NOT NULL');
});

t.test('an empty table: the single statement, with the warning that it fails once a row arrives', async (t) => {
  const advice = unsafeColumnAdvice({ ...input, column: role, rows: { kind: 'exact', rows: 0 } });
  t.equal(advice.suggestedSql, 'ALTER TABLE "public"."teams_membership" ADD COLUMN "role" text NOT NULL;');
  t.match(advice.detail, /has 0 rows, so adding it NOT NULL works now but fails once a row is inserted/);
});

t.test('a volatile default: the copy\'s own definition, and why it is not run unattended', async (t) => {
  const joined: ColumnInfo = { name: 'joined_at', type: 'timestamp with time zone', notNull: false, default: 'now()', defaultIsConstant: false };
  const advice = unsafeColumnAdvice({ ...input, column: joined, because: 'a volatile default', rows: undefined });
  t.equal(advice.suggestedSql, 'ALTER TABLE "public"."teams_membership" ADD COLUMN "joined_at" timestamp with time zone DEFAULT now();');
  t.match(advice.detail, /the row count of "public"\."teams_membership" was not read: adding it evaluates it for every row and rewrites the table/);
});
