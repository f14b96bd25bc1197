/**
 * The repair migration's SQL against a real PostgreSQL. The SQL is read back out of the generated
 * Python file by Python itself, so what runs here is what `manage.py migrate` would run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { renderDjangoMigration } from '../../src/migrations/django.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { DRIFT_SQL, snapshotCatalog } from '../report/drift.js';
import { greenRun } from '../report/fixtures.js';
import { readMigration, type RunSqlCall } from '../migrations/python.js';

stopSharedServerAtEnd(t);

const aboutItem = greenRun.rounds[0]!.repairs[0]!;
const leftAt = greenRun.rounds[1]!.repairs[1]!;

/** The RunSQL operations of the generated file: [about_item move, left_at column add]. */
async function migrationOperations(t: { teardown(fn: () => unknown): void }): Promise<RunSqlCall[]> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-mig-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, '0007_smoke_fix_repair_20261123_2210.py');
  const text = renderDjangoMigration({ appLabel: 'user_profile', dependencies: ['0006_x'], records: [aboutItem, leftAt], now: new Date() });
  await writeFile(file, text);
  return (await readMigration(file)).operations;
}

/** Run SQL and collect the NOTICEs PostgreSQL sends back. */
async function execWithNotices(db: TestDatabase, sql: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: db.url });
  const notices: string[] = [];
  client.on('notice', (n) => notices.push(n.message ?? ''));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
  return notices;
}

async function whereIs(db: TestDatabase, name: string): Promise<string[]> {
  const rows = await db.query<{ nspname: string }>(
    `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 ORDER BY 1`,
    [name],
  );
  return rows.map((r) => r.nspname);
}

t.test('on a copy with the same drift: moves the table, then is a no-op', async (t) => {
  const [move] = await migrationOperations(t);
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  t.same(await whereIs(db, 'user_profile_about_item'), ['test_schema']);

  t.same(await execWithNotices(db, move!.sql), []);
  t.same(await whereIs(db, 'user_profile_about_item'), ['public'], 'moved into public');
  const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM public.user_profile_about_item');
  t.equal(rows[0]?.n, '3', 'with its rows');

  const moved = await snapshotCatalog(db);
  t.same(await execWithNotices(db, move!.sql), [], 'second run: silent');
  t.same(await snapshotCatalog(db), moved, 'second run changed nothing');

  t.same(await execWithNotices(db, move!.reverse_sql), []);
  t.same(await whereIs(db, 'user_profile_about_item'), ['test_schema'], 'reverse_sql moved it back');
  const back = await snapshotCatalog(db);
  await execWithNotices(db, move!.reverse_sql);
  t.same(await snapshotCatalog(db), back, 'reverse twice: no-op');
});

t.test('the table exists in BOTH schemas: nothing happens, and a NOTICE says why', async (t) => {
  const [move] = await migrationOperations(t);
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  await db.exec('CREATE TABLE public.user_profile_about_item (id int)');
  const before = await snapshotCatalog(db);
  const notices = await execWithNotices(db, move!.sql);
  t.same(notices, [
    'smoke-fix: test_schema.user_profile_about_item and public.user_profile_about_item both exist; nothing moved, check by hand',
  ]);
  t.same(await snapshotCatalog(db), before, 'neither table was touched');
  t.same(await execWithNotices(db, move!.reverse_sql), [
    'smoke-fix: public.user_profile_about_item and test_schema.user_profile_about_item both exist; nothing moved, check by hand',
  ]);
  t.same(await snapshotCatalog(db), before);
});

t.test('a clean copy (no drift, no source schema) and a missing table: no-op, never a CREATE', async (t) => {
  const [move, column] = await migrationOperations(t);
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE TABLE public.user_profile_about_item (id serial PRIMARY KEY, title text);
    CREATE TABLE public.teams_membership (id serial PRIMARY KEY, left_at timestamptz);`);
  const clean = await snapshotCatalog(db);
  for (const sql of [move!.sql, move!.reverse_sql, column!.sql, column!.reverse_sql]) await execWithNotices(db, sql);
  t.same(await snapshotCatalog(db), clean, 'nothing changed; reverse does not invent test_schema');

  const empty = await createTestDatabase(t);
  await empty.exec('CREATE SCHEMA test_schema');
  for (const sql of [move!.sql, column!.sql]) await execWithNotices(empty, sql);
  t.same(await whereIs(empty, 'user_profile_about_item'), [], 'a table that exists nowhere is not created');
  t.same(await whereIs(empty, 'teams_membership'), []);
});

t.test('column add: only while the target lacks it and the stale copy has it', async (t) => {
  const [, column] = await migrationOperations(t);
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  const columns = async () =>
    (await db.query<{ c: string }>(
      `SELECT column_name || ' ' || data_type AS c FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'teams_membership' ORDER BY ordinal_position`,
    )).map((r) => r.c);
  await execWithNotices(db, column!.sql);
  t.same((await columns()).at(-1), 'left_at timestamp with time zone', 'added with the copy\'s type');
  const added = await snapshotCatalog(db);
  await execWithNotices(db, column!.sql);
  t.same(await snapshotCatalog(db), added, 'second run: no-op');
  await execWithNotices(db, column!.reverse_sql);
  t.notOk((await columns()).some((c) => c.startsWith('left_at')), 'reverse_sql removed it again');

  await db.exec('ALTER TABLE test_schema.teams_membership DROP COLUMN left_at');
  await execWithNotices(db, column!.sql);
  t.notOk((await columns()).some((c) => c.startsWith('left_at')), 'no stale copy with the column: not added');
});
