/** The planner's refusals on a real catalog: what a user sees in the report instead of a change. */
import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { applyAction } from '../../src/repair/apply.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { actionFor, missingColumn, missingRelation, planFor, refusalFor } from './pipeline.js';

stopSharedServerAtEnd(t);

async function drifted(t: Parameters<typeof createTestDatabase>[0]) {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE SCHEMA test_schema; CREATE SCHEMA other_schema; CREATE SCHEMA archive;
    CREATE TABLE public.users (id int PRIMARY KEY); INSERT INTO public.users VALUES (1), (2);
    CREATE TABLE public.already_here (id int); CREATE TABLE test_schema.already_here (id int);
    CREATE TABLE archive.old_stuff (id int);
    CREATE TABLE public.teams_membership (id int); INSERT INTO public.teams_membership VALUES (1), (2);
    CREATE TABLE test_schema.teams_membership (id int, score int NOT NULL, joined_at timestamptz DEFAULT now());
  `);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  return { db, pool: database.pool };
}

t.test('each refusal names what was found and what to do', async (t) => {
  const { pool } = await drifted(t);
  const notFound = await refusalFor(pool, missingRelation('user_profile_stream_config'));
  t.match(notFound, { reason: 'not-found', detail: /No relation named "user_profile_stream_config" exists in any schema/ });

  const present = await refusalFor(pool, missingRelation('already_here'));
  t.match(present, { reason: 'already-in-target', detail: /"public"."already_here" \(table\) already exists/ });

  const outside = await refusalFor(pool, missingRelation('old_stuff'));
  t.match(outside, { reason: 'outside-source-schemas', detail: /only in "archive".*add it to sourceSchemas/ });

  const system = await refusalFor(pool, missingRelation('pg_class'));
  t.match(system, { reason: 'system-schema', detail: /system schema "pg_catalog"/ });
});

t.test('a name in two source schemas is ambiguous, naming both', async (t) => {
  const { db, pool } = await drifted(t);
  await db.exec('CREATE TABLE test_schema.twice (id int); CREATE TABLE other_schema.twice (id int);');
  const both = await planFor(pool, [missingRelation('twice')], { targetSchema: 'public', sourceSchemas: ['test_schema', 'other_schema'] });
  t.match(both, [{ type: 'refusal', refusal: { reason: 'ambiguous', detail: /"other_schema" and "test_schema"/ } }]);
  const one = await planFor(pool, [missingRelation('twice')], { targetSchema: 'public', sourceSchemas: ['test_schema'] });
  t.match(one, [{ type: 'action', action: { fromSchema: 'test_schema' } }], 'with one of them allowed, it is not ambiguous');
});

t.test('a hostile name is refused as not found, and the users table is still there', async (t) => {
  const { db, pool } = await drifted(t);
  const hostile = missingRelation(`x"; DROP TABLE users; --`);
  const items = await planFor(pool, [hostile, missingRelation(`x'; DROP TABLE users; --`)]);
  t.match(items, [
    { type: 'refusal', refusal: { reason: 'not-found' } },
    { type: 'refusal', refusal: { reason: 'not-found' } },
  ]);
  t.same(await db.query('SELECT count(*)::int AS n FROM public.users'), [{ n: 2 }]);
});

t.test('a hostile name that does exist is only ever used quoted', async (t) => {
  const { db, pool } = await drifted(t);
  const name = `x"; DROP TABLE users; --`;
  await db.exec(`CREATE TABLE test_schema."x""; DROP TABLE users; --" (id int)`);
  const action = await actionFor(pool, missingRelation(name));
  t.equal(action.sql, 'ALTER TABLE "test_schema"."x""; DROP TABLE users; --" SET SCHEMA "public";');
  t.equal((await applyAction(pool, action, { lockTimeoutMs: 2000, statementTimeoutMs: 10000 })).status, 'applied');
  t.same(await db.query('SELECT count(*)::int AS n FROM public.users'), [{ n: 2 }], 'users survived');
  t.same(await db.query('SELECT to_regclass($1)::text AS r', [`public."x""; DROP TABLE users; --"`]), [{ r: '"x""; DROP TABLE users; --"' }]);
});

t.test('an unsafe NOT NULL column is refused with what is true of the table and SQL that works', async (t) => {
  const { db, pool } = await drifted(t);
  const refusal = await refusalFor(pool, missingColumn('score', 'teams_membership'));
  t.equal(refusal.reason, 'unsafe-column');
  t.match(refusal.detail, /NOT NULL without a default; "public"."teams_membership" has 2 rows, and no default would fill them/);
  t.equal(
    refusal.suggestedSql,
    [
      'ALTER TABLE "public"."teams_membership" ADD COLUMN "score" integer;',
      'UPDATE "public"."teams_membership" SET "score" = /* value for existing rows */ WHERE "score" IS NULL;',
      'ALTER TABLE "public"."teams_membership" ALTER COLUMN "score" SET NOT NULL;',
    ].join('\n'),
  );
  // The one-statement form fails on this table; the steps, with a value chosen, work.
  await t.rejects(db.exec('ALTER TABLE public.teams_membership ADD COLUMN score integer NOT NULL'), /contains null values/);
  await db.exec(`BEGIN; ${refusal.suggestedSql!.replace('/* value for existing rows */', '0')} ROLLBACK;`);

  const volatile = await refusalFor(pool, missingColumn('joined_at', 'teams_membership'));
  t.match(volatile, { reason: 'unsafe-column', suggestedSql: 'ALTER TABLE "public"."teams_membership" ADD COLUMN "joined_at" timestamp with time zone DEFAULT now();' });
  t.match(volatile.detail, /non-constant default \(now\(\)\).*has 2 rows: adding it evaluates it for every row/);
  t.same(await db.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'public.teams_membership'::regclass AND attnum > 0`), [{ n: 1 }], 'nothing was added');
});

t.test('a column whose type, collation or default lives in a source schema is refused, with the SQL to review; nothing runs', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE SCHEMA test_schema;
    CREATE TABLE public.checks (n int PRIMARY KEY);
    CREATE FUNCTION test_schema.is_code(t text) RETURNS boolean LANGUAGE sql AS $$ INSERT INTO public.checks SELECT coalesce(max(n), 0) + 1 FROM public.checks RETURNING true $$;
    CREATE DOMAIN test_schema.code AS text CHECK (test_schema.is_code(VALUE));
    CREATE TYPE test_schema.mood AS ENUM ('ok', 'sad');
    CREATE FUNCTION test_schema.make_label() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x' $$;
    CREATE COLLATION test_schema.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    CREATE TABLE public.profile (id int); INSERT INTO public.profile SELECT generate_series(1, 100);
    CREATE TABLE test_schema.profile (id int, code test_schema.code, mood test_schema.mood, moods test_schema.mood[],
      label text DEFAULT test_schema.make_label(), nick text COLLATE test_schema.nocase, plain text);
  `);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const pool = database.pool;
  const cases: Array<[string, RegExp]> = [
    ['code', /type test_schema\.code/],
    ['mood', /type test_schema\.mood/],
    ['moods', /type test_schema\.mood/],
    ['label', /function test_schema\.make_label\(\)/],
    ['nick', /collation test_schema\.nocase/],
  ];
  for (const [column, named] of cases) {
    const refusal = await refusalFor(pool, missingColumn(column, 'profile'));
    t.equal(refusal.reason, 'source-schema-dependency', `${column} is refused`);
    t.match(refusal.detail, named, `${column}: names what it relies on`);
    t.match(refusal.suggestedSql, new RegExp(`^ALTER TABLE "public"\\."profile" ADD COLUMN "${column}" `), `${column}: the SQL to review`);
  }
  const plain = await actionFor(pool, missingColumn('plain', 'profile'));
  t.equal(plain.sql, 'ALTER TABLE "public"."profile" ADD COLUMN "plain" text;', 'a column relying on nothing in the source schema is still added');
  t.same(await db.query('SELECT count(*)::int AS n FROM public.checks'), [{ n: 0 }], "the domain's CHECK function never ran");
  t.same(
    await db.query("SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'public.profile'::regclass AND attnum > 0"),
    [{ n: 1 }],
    'no column was added by planning',
  );
});

t.test('on an empty table the refusal says 0 rows (not "a table with rows") and offers the copy\'s own column', async (t) => {
  const { db, pool } = await drifted(t);
  await db.exec(`CREATE TABLE public.badges (id int); CREATE TABLE test_schema.badges (id int, label text NOT NULL, at timestamptz NOT NULL DEFAULT now());`);
  const label = await refusalFor(pool, missingColumn('label', 'badges'));
  t.match(label.detail, /"public"."badges" has 0 rows, so adding it NOT NULL works now/);
  t.notMatch(label.detail, /table with rows/);
  t.equal(label.suggestedSql, 'ALTER TABLE "public"."badges" ADD COLUMN "label" text NOT NULL;');
  const at = await refusalFor(pool, missingColumn('at', 'badges'));
  t.equal(at.suggestedSql, 'ALTER TABLE "public"."badges" ADD COLUMN "at" timestamp with time zone DEFAULT now() NOT NULL;', 'the stale copy\'s default comes along');
  t.match(at.detail, /has 0 rows: there is nothing to fill yet/);
  await db.exec(`BEGIN; ${label.suggestedSql!} ${at.suggestedSql!} ROLLBACK;`);
});
