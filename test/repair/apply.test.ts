/** Repairs against a real PostgreSQL: what moved, what survived, and what the verification says. */
import pg from 'pg';
import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { applyAction } from '../../src/repair/apply.js';
import { DatabaseUnreachableError } from '../../src/errors.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { actionFor, missingColumn, missingRelation } from './pipeline.js';

stopSharedServerAtEnd(t);

const timeouts = { lockTimeoutMs: 2000, statementTimeoutMs: 10000 };

async function setup(t: Parameters<typeof createTestDatabase>[0], sql: string) {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA test_schema; ${sql}`);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  return { db, pool: database.pool };
}

async function regclass(db: TestDatabase, name: string): Promise<string | null> {
  const [row] = await db.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [name]);
  return row?.r ?? null;
}

t.test('a table with rows, a unique index, foreign keys and a serial column moves whole', async (t) => {
  const { db, pool } = await setup(
    t,
    `CREATE TABLE public.auth_user (id int PRIMARY KEY);
     INSERT INTO public.auth_user SELECT generate_series(1, 3);
     CREATE TABLE test_schema.user_profile_about_item (
       id serial PRIMARY KEY,
       user_id int NOT NULL REFERENCES public.auth_user (id),
       slug text NOT NULL UNIQUE,
       body text CHECK (length(body) < 1000));
     CREATE INDEX about_item_user ON test_schema.user_profile_about_item (user_id);
     INSERT INTO test_schema.user_profile_about_item (user_id, slug, body)
       SELECT 1 + g % 3, 'item-' || g, 'text ' || g FROM generate_series(1, 25) g;
     CREATE TABLE test_schema.about_item_like (item_id int REFERENCES test_schema.user_profile_about_item (id));`,
  );
  const action = await actionFor(pool, missingRelation('user_profile_about_item'));
  const outcome = await applyAction(pool, action, timeouts);

  t.equal(outcome.status, 'applied', outcome.error ?? '');
  t.match(outcome.verification, {
    ok: true,
    resolvesInTarget: true,
    rowsBefore: 25,
    rowsAfter: 25,
    columnsBefore: 4, // id, user_id, slug, body
    columnsAfter: 4,
    indexesBefore: 3, // primary key, unique slug, about_item_user
    indexesAfter: 3,
    problems: [],
  });
  // pkey, unique, fkey, check; PostgreSQL 18 also records NOT NULL as constraints, so at least 4.
  t.ok((outcome.verification?.constraintsBefore ?? 0) >= 4, 'constraints were counted');
  t.equal(outcome.verification?.constraintsAfter, outcome.verification?.constraintsBefore);
  t.equal(await regclass(db, 'public.user_profile_about_item'), 'user_profile_about_item');
  t.equal(await regclass(db, 'test_schema.user_profile_about_item'), null);
  t.equal(await regclass(db, 'public.user_profile_about_item_id_seq'), 'user_profile_about_item_id_seq', 'the owned sequence moved too');
  t.equal(await regclass(db, 'public.about_item_user'), 'about_item_user', 'the index moved too');

  // The app can use it: serial keeps counting, the unique index still bites, the FK still holds.
  const [inserted] = await db.query<{ id: number }>(`INSERT INTO user_profile_about_item (user_id, slug) VALUES (2, 'new') RETURNING id`);
  t.equal(inserted?.id, 26);
  await t.rejects(db.query(`INSERT INTO user_profile_about_item (user_id, slug) VALUES (1, 'item-1')`), /duplicate key/);
  await t.rejects(db.query(`INSERT INTO user_profile_about_item (user_id, slug) VALUES (99, 'x')`), /foreign key/);
  t.equal(outcome.warnings.length, 0, 'a table referenced by a table (not a view) leaves nothing to warn about');
  t.ok(outcome.durationMs >= 0 && !Number.isNaN(Date.parse(outcome.startedAt)));
});

t.test('what a move leaves behind is reported as sentences with the statement to finish the job', async (t) => {
  const { pool } = await setup(
    t,
    `CREATE TYPE test_schema.mood AS ENUM ('ok', 'sad');
     CREATE SEQUENCE test_schema.shared_numbers;
     CREATE FUNCTION test_schema.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
     CREATE TABLE test_schema.stream_config (id int, feeling test_schema.mood,
       number bigint DEFAULT nextval('test_schema.shared_numbers'));
     CREATE TRIGGER touch_it BEFORE UPDATE ON test_schema.stream_config FOR EACH ROW EXECUTE FUNCTION test_schema.touch();
     CREATE VIEW test_schema.stream_config_summary AS SELECT count(*) FROM test_schema.stream_config;`,
  );
  const outcome = await applyAction(pool, await actionFor(pool, missingRelation('stream_config')), timeouts);
  t.equal(outcome.status, 'applied', outcome.error ?? '');
  t.equal(outcome.verification?.ok, true);
  t.equal(outcome.warnings.length, 4);
  t.match(outcome.warnings.join('\n'), /Column "feeling" of "public"."stream_config" uses type "test_schema"."mood".*ALTER TYPE "test_schema"."mood" SET SCHEMA "public";/);
  t.match(outcome.warnings.join('\n'), /uses sequence "test_schema"."shared_numbers".*ALTER SEQUENCE "test_schema"."shared_numbers" SET SCHEMA "public";/);
  t.match(outcome.warnings.join('\n'), /Trigger "touch_it" on "public"."stream_config" calls "test_schema"."touch"\(\).*ALTER FUNCTION "test_schema"."touch"\(\) SET SCHEMA "public";/);
  t.match(outcome.warnings.join('\n'), /View "test_schema"."stream_config_summary" depends on "public"."stream_config" and still works.*ALTER VIEW "test_schema"."stream_config_summary" SET SCHEMA "public";/);
});

t.test('a partitioned table moves with every partition and all its rows', async (t) => {
  const { db, pool } = await setup(
    t,
    `CREATE TABLE test_schema.events (id int, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
     CREATE TABLE test_schema.events_2024 PARTITION OF test_schema.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
     CREATE TABLE test_schema.events_2025 PARTITION OF test_schema.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
       PARTITION BY RANGE (at);
     CREATE TABLE test_schema.events_2025_h1 PARTITION OF test_schema.events_2025 FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
     CREATE TABLE test_schema.events_2025_h2 PARTITION OF test_schema.events_2025 FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');
     INSERT INTO test_schema.events SELECT g, date '2024-01-01' + g FROM generate_series(0, 700) g;`,
  );
  const action = await actionFor(pool, missingRelation('events'));
  t.equal(action.sql.split('\n').length, 5, 'parent plus four partitions, one transaction');
  const outcome = await applyAction(pool, action, timeouts);
  t.equal(outcome.status, 'applied', outcome.error ?? '');
  t.match(outcome.verification, { ok: true, rowsBefore: 701, rowsAfter: 701 });
  t.equal(outcome.verification?.indexesAfter, outcome.verification?.indexesBefore);
  t.ok((outcome.verification?.indexesBefore ?? 0) >= 5, 'the primary key index of each table in the tree was counted');
  for (const name of ['events', 'events_2024', 'events_2025', 'events_2025_h1', 'events_2025_h2']) {
    t.equal(await regclass(db, `public.${name}`), name, `${name} is in public`);
  }
  const [left] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'test_schema'`);
  t.equal(left?.n, 0, 'nothing of the tree (tables or indexes) stayed behind');
});

t.test('a view, a materialized view and a free-standing sequence move', async (t) => {
  const { db, pool } = await setup(
    t,
    `CREATE TABLE public.orders (id int); INSERT INTO public.orders VALUES (1), (2);
     CREATE VIEW test_schema.open_orders AS SELECT * FROM public.orders;
     CREATE MATERIALIZED VIEW test_schema.order_ids AS SELECT id FROM public.orders;
     CREATE UNIQUE INDEX ON test_schema.order_ids (id);
     CREATE SEQUENCE test_schema.invoice_number START 100;`,
  );
  const view = await applyAction(pool, await actionFor(pool, missingRelation('open_orders')), timeouts);
  t.equal(view.status, 'applied', view.error ?? '');
  t.match(view.verification, { ok: true, resolvesInTarget: true, rowsBefore: null, rowsAfter: null });
  t.same(await db.query('SELECT count(*)::int AS n FROM public.open_orders'), [{ n: 2 }]);

  const matview = await applyAction(pool, await actionFor(pool, missingRelation('order_ids')), timeouts);
  t.equal(matview.status, 'applied', matview.error ?? '');
  t.match(matview.verification, { ok: true, rowsBefore: 2, rowsAfter: 2, indexesBefore: 1, indexesAfter: 1 });
  await db.exec('REFRESH MATERIALIZED VIEW CONCURRENTLY public.order_ids');

  const sequence = await applyAction(pool, await actionFor(pool, missingRelation('invoice_number')), timeouts);
  t.equal(sequence.status, 'applied', sequence.error ?? '');
  t.match(sequence.verification, { ok: true, resolvesInTarget: true });
  t.same(await db.query(`SELECT nextval('public.invoice_number')::int AS n`), [{ n: 100 }]);
});

t.test('a nullable column is added and every row is kept', async (t) => {
  const { db, pool } = await setup(
    t,
    `CREATE TABLE public.teams_membership (id int PRIMARY KEY, team_id int);
     INSERT INTO public.teams_membership SELECT g, g % 4 FROM generate_series(1, 40) g;
     CREATE TABLE test_schema.teams_membership (id int PRIMARY KEY, team_id int, left_at timestamptz,
       role varchar(20) NOT NULL DEFAULT 'member');`,
  );
  const leftAt = await applyAction(pool, await actionFor(pool, missingColumn('left_at', 'teams_membership')), timeouts);
  t.equal(leftAt.status, 'applied', leftAt.error ?? '');
  t.match(leftAt.verification, {
    // No count(*) of the live table under ADD COLUMN's exclusive lock: the column count proves it.
    ok: true, resolvesInTarget: true, rowsBefore: null, rowsAfter: null, columnsBefore: 2, columnsAfter: 3, indexesBefore: 1, indexesAfter: 1,
  });

  const role = await actionFor(pool, missingColumn('role', 'teams_membership'));
  t.equal(role.sql, `ALTER TABLE "public"."teams_membership" ADD COLUMN "role" character varying(20) DEFAULT 'member'::character varying NOT NULL;`);
  t.equal((await applyAction(pool, role, timeouts)).status, 'applied');
  t.same(await db.query(`SELECT count(*)::int AS n, count(left_at)::int AS with_left_at, min(role) AS role FROM public.teams_membership`), [
    { n: 40, with_left_at: 0, role: 'member' },
  ]);
});

t.test('a repair that cannot get its lock fails within lock_timeout and changes nothing', async (t) => {
  const { db, pool } = await setup(t, `CREATE TABLE test_schema.busy (id int); INSERT INTO test_schema.busy VALUES (1);`);
  const action = await actionFor(pool, missingRelation('busy'));
  const other = new pg.Client({ connectionString: db.url });
  await other.connect();
  t.teardown(() => other.end());
  await other.query('BEGIN');
  await other.query('LOCK TABLE test_schema.busy IN ACCESS EXCLUSIVE MODE');

  const started = Date.now();
  const outcome = await applyAction(pool, action, { lockTimeoutMs: 300, statementTimeoutMs: 10000 });
  t.equal(outcome.status, 'failed');
  t.match(outcome.error, /lock timeout.*55P03/);
  t.equal(outcome.verification, undefined);
  t.ok(Date.now() - started < 5000, 'gave up after the lock timeout, did not wait for the other session');

  await other.query('ROLLBACK');
  t.equal(await regclass(db, 'test_schema.busy'), 'test_schema.busy', 'still in the source schema');
  t.equal(await regclass(db, 'public.busy'), null);
  // The pool is healthy afterwards: the same action now goes through.
  t.equal((await applyAction(pool, action, timeouts)).status, 'applied');
});

t.test('a statement that PostgreSQL rejects is rolled back with its message', async (t) => {
  const { db, pool } = await setup(t, `CREATE TABLE test_schema.clash (id int);`);
  const action = await actionFor(pool, missingRelation('clash'));
  await db.exec('CREATE TABLE public.clash (id int)'); // appears between plan and apply
  const outcome = await applyAction(pool, action, timeouts);
  t.equal(outcome.status, 'failed');
  t.match(outcome.error, /relation "clash" already exists in schema "public" \(SQLSTATE 42P07\)/);
  t.equal(await regclass(db, 'test_schema.clash'), 'test_schema.clash');
});

t.test('a database that is gone when a repair starts: exit 3, and the message says nothing was applied', async (t) => {
  const db = await createTestDatabase(t, { ownServer: true });
  await db.exec(`CREATE SCHEMA test_schema; CREATE TABLE test_schema.gone (id int);`);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const action = await actionFor(database.pool, missingRelation('gone'));
  await db.stopServer();
  const error = await applyAction(database.pool, action, timeouts).catch((e: unknown) => e);
  t.type(error, DatabaseUnreachableError);
  t.equal((error as DatabaseUnreachableError).exitCode, 3);
  t.match((error as Error).message, /nothing of it was applied/);
});

/** A second session holding ACCESS EXCLUSIVE on `table` in an open transaction, as an app's migration would. */
async function holdLock(t: { teardown(fn: () => unknown): void }, db: TestDatabase, table: string) {
  const other = new pg.Client({ connectionString: db.url, application_name: 'nightly-report' });
  other.on('error', () => {});
  await other.connect();
  t.teardown(() => other.end().catch(() => {}));
  const pid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await other.query('BEGIN');
  await other.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return { other, pid };
}

t.test('lock contention is retried with backoff: a lock released during the retries lets the move through', async (t) => {
  const { db, pool } = await setup(t, `CREATE TABLE test_schema.busy (id int); INSERT INTO test_schema.busy SELECT generate_series(1, 10);`);
  const action = await actionFor(pool, missingRelation('busy'));
  const { other } = await holdLock(t, db, 'test_schema.busy');
  setTimeout(() => void other.query('ROLLBACK'), 700);
  const outcome = await applyAction(pool, action, { lockTimeoutMs: 200, statementTimeoutMs: 10000, lockRetries: 6, lockRetryDelayMs: 100 });
  t.equal(outcome.status, 'applied', outcome.error ?? '');
  t.equal(outcome.verification?.rowsAfter, 10);
  t.equal(await regclass(db, 'public.busy'), 'busy');
});

t.test('a lock held past every retry: failed, with the blocker pid, its query, its age and the terminate call, and the blocker left alone', async (t) => {
  const { db, pool } = await setup(t, `CREATE TABLE test_schema.busy (id int);`);
  const action = await actionFor(pool, missingRelation('busy'));
  const { other, pid } = await holdLock(t, db, 'test_schema.busy');
  const started = Date.now();
  const outcome = await applyAction(pool, action, { lockTimeoutMs: 200, statementTimeoutMs: 10000, lockRetries: 2, lockRetryDelayMs: 50 });
  t.equal(outcome.status, 'failed');
  t.match(outcome.error, /in 3 attempt\(s\)/);
  t.match(outcome.error, new RegExp(`backend pid ${pid} \\(application "nightly-report"`));
  t.match(outcome.error, /LOCK TABLE test_schema\.busy IN ACCESS EXCLUSIVE MODE/);
  t.match(outcome.error, /transaction open \d+ s/);
  t.match(outcome.error, new RegExp(`SELECT pg_terminate_backend\\(${pid}\\);`));
  t.ok(Date.now() - started >= 600, 'waited for three lock timeouts');
  const alive = await db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
  t.equal(alive.length, 1, 'the blocking session was not terminated');
  t.same((await other.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'its transaction is still usable');
  t.equal(await regclass(db, 'test_schema.busy'), 'test_schema.busy', 'nothing moved');
});

t.test('a move is verified by OID and relfilenode; rows are counted only on small tables or when asked', async (t) => {
  const { db, pool } = await setup(
    t,
    `CREATE TABLE test_schema.big (id int PRIMARY KEY, v text); INSERT INTO test_schema.big SELECT g, 'row ' || g FROM generate_series(1, 5000) g;
     CREATE TABLE test_schema.big2 (id int); INSERT INTO test_schema.big2 SELECT generate_series(1, 300);`,
  );
  await db.exec('ANALYZE test_schema.big');
  const [{ oid, relfilenode }] = (await db.query<{ oid: number; relfilenode: number }>(
    "SELECT oid::int8::int AS oid, relfilenode::int8::int AS relfilenode FROM pg_class WHERE oid = 'test_schema.big'::regclass",
  )) as [{ oid: number; relfilenode: number }];
  // Threshold 0 bytes: every table counts as large, as a 4M-row table would.
  const outcome = await applyAction(pool, await actionFor(pool, missingRelation('big')), { ...timeouts, countRowsBelowBytes: 0 });
  t.equal(outcome.status, 'applied', outcome.error ?? '');
  t.equal(outcome.verification?.ok, true);
  t.equal(outcome.verification?.rowsBefore, null, 'no count(*) on a large table');
  t.match(outcome.verification?.storage, { oid, relfilenode, unchanged: true, counted: false, rowEstimate: 5000 });
  const [after] = await db.query<{ oid: number; relfilenode: number }>(
    "SELECT oid::int8::int AS oid, relfilenode::int8::int AS relfilenode FROM pg_class WHERE oid = 'public.big'::regclass",
  );
  t.same(after, { oid, relfilenode }, 'the catalog agrees: same relation, same files');

  const asked = await applyAction(pool, await actionFor(pool, missingRelation('big2')), { ...timeouts, countRowsBelowBytes: 0, verifyRowCounts: true });
  t.equal(asked.verification?.rowsBefore, 300, 'repair.verifyRowCounts counts anyway');
  t.equal(asked.verification?.storage?.counted, true);
});

t.test('an abort (SIGTERM) while the move waits for a lock cancels it at once; it rolls back', async (t) => {
  const { db, pool } = await setup(t, `CREATE TABLE test_schema.busy (id int);`);
  const action = await actionFor(pool, missingRelation('busy'));
  await holdLock(t, db, 'test_schema.busy');
  const controller = new AbortController();
  setTimeout(() => controller.abort('SIGTERM'), 300);
  const started = Date.now();
  const outcome = await applyAction(pool, action, { lockTimeoutMs: 20000, statementTimeoutMs: 60000, lockRetries: 8, signal: controller.signal });
  t.ok(Date.now() - started < 2000, `stopped within 2 s (${Date.now() - started} ms)`);
  t.equal(outcome.status, 'failed');
  t.match(outcome.error, /57014.*interrupted \(SIGTERM\); rolled back/);
  t.equal(await regclass(db, 'test_schema.busy'), 'test_schema.busy', 'nothing moved');
});
