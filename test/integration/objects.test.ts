/**
 * Issue 13, item 2 on a real run: an app that calls `uuid_generate_v4()` (uuid-ossp installed in
 * test_schema), a function and an enum type that drifted into test_schema, is repaired to green by
 * `smoke-fix run`; rows are unchanged and rollback.sql puts every object back. A non-relocatable
 * extension and an ambiguous function are refused, with nothing changed.
 * Real PostgreSQL, real HTTP app, real SQL.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { objectSnapshot, startObjectsApp, type Routes } from '../helpers/objects-app.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);
const run = promisify(execFile);

const psqlMissing = await run('psql', ['--version']).then(
  () => false as const,
  () => 'psql (postgresql-client) is not installed',
);

async function missingExtensions(db: TestDatabase, names: readonly string[]): Promise<string | false> {
  const rows = await db.query<{ name: string }>('SELECT name FROM pg_available_extensions WHERE name = ANY ($1)', [names]);
  const missing = names.filter((n) => !rows.some((r) => r.name === n));
  return missing.length > 0 ? `this PostgreSQL lacks the contrib extension(s) ${missing.join(', ')}` : false;
}

async function setup(t: Test, sql: string, routes: Routes) {
  const db = await createTestDatabase(t);
  await db.exec(sql);
  const app = await startObjectsApp(db.url, routes);
  t.teardown(() => app.close());
  const dir = await tempDir(t, 'smoke-fix-objects-');
  const configFile = join(dir, 'smoke-fix.yaml');
  const endpoints = Object.keys(routes).map((path) => `  - { name: ${path.slice(1)}, path: ${path} }`).join('\n');
  await writeFile(configFile, `baseUrl: \${BASE_URL}\ndatabase:\n  url: \${DATABASE_URL}\nrepair:\n  mode: apply\nendpoints:\n${endpoints}\n`);
  const config = await loadConfig(configFile, { BASE_URL: app.url, DATABASE_URL: db.url });
  return { db, config, reportDir: join(dir, 'reports') };
}

const DRIFT = `
  CREATE SCHEMA test_schema;
  CREATE EXTENSION "uuid-ossp" SCHEMA test_schema;
  CREATE TYPE test_schema.mood AS ENUM ('sad', 'happy');
  CREATE TABLE public.orders (id int PRIMARY KEY, qty int NOT NULL, feeling test_schema.mood);
  INSERT INTO public.orders VALUES (1, 2, 'happy'), (2, 5, 'sad');
  CREATE FUNCTION test_schema.order_total(qty integer) RETURNS integer LANGUAGE sql AS 'SELECT qty * 10';
`;

t.test('uuid-ossp, a function and an enum in test_schema: moved, green, rollback.sql restores them', async (t) => {
  const probe = await createTestDatabase(t);
  const skip = await missingExtensions(probe, ['uuid-ossp']);
  if (skip) return void t.skip(skip, async () => {});
  if (psqlMissing) return void t.skip(psqlMissing, async () => {});
  const { db, config, reportDir } = await setup(t, DRIFT, {
    '/ids': { sql: 'SELECT uuid_generate_v4() AS id' },
    '/totals': { sql: 'SELECT order_total(qty) FROM orders' },
    '/happy': { sql: "SELECT id FROM orders WHERE feeling = 'happy'::mood" },
  });
  const tablesBefore = await catalogSnapshot(db.url);
  const objectsBefore = await objectSnapshot(db);

  const { result, reportDir: written } = await runWithConfig({ config, reportDir });
  t.equal(result.outcome, 'green', result.reason);
  const repairs = result.rounds.flatMap((r) => r.repairs);
  t.same(
    repairs.map((r) => [r.status, r.action.sql, r.verification?.ok, r.verification?.resolvesInTarget]).sort(),
    [
      ['applied', 'ALTER EXTENSION "uuid-ossp" SET SCHEMA "public";', true, true],
      ['applied', 'ALTER FUNCTION "test_schema"."order_total"(qty integer) SET SCHEMA "public";', true, true],
      ['applied', 'ALTER TYPE "test_schema"."mood" SET SCHEMA "public";', true, true],
    ],
  );
  const objectsAfter = await objectSnapshot(db);
  t.ok(objectsAfter.includes('ext uuid-ossp public'), 'the extension is in public');
  t.ok(objectsAfter.includes('proc public.uuid_generate_v4()'), 'its functions moved with it');
  t.ok(objectsAfter.includes('proc public.order_total(qty integer)'));
  t.ok(objectsAfter.includes('type public.mood e'));
  t.same(await catalogSnapshot(db.url), tablesBefore.map((l) => l.replace('test_schema.mood', 'mood')), 'tables and row counts unchanged');
  const repairSql = await readFile(join(written!, 'repair.sql'), 'utf8');
  for (const r of repairs) t.ok(repairSql.includes(r.action.sql), `repair.sql records ${r.action.sql}`);

  await run('psql', ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', join(written!, 'rollback.sql')]);
  t.same(await objectSnapshot(db), objectsBefore, 'rollback.sql puts every routine, type and extension back');
  t.same(await catalogSnapshot(db.url), tablesBefore, 'and the tables are as they were');
});

t.test('a non-relocatable extension and an ambiguous function are refused; nothing changes', async (t) => {
  const probe = await createTestDatabase(t);
  const skip = await missingExtensions(probe, ['xml2']);
  if (skip) return void t.skip(skip, async () => {});
  const { db, config, reportDir } = await setup(
    t,
    `CREATE SCHEMA test_schema;
     CREATE EXTENSION xml2 SCHEMA test_schema;
     CREATE FUNCTION test_schema.pick(integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
     CREATE FUNCTION test_schema.pick(bigint) RETURNS int LANGUAGE sql AS 'SELECT 2';`,
    {
      '/xml': { sql: 'SELECT xml_valid($1)', params: ['<a/>'] },
      '/pick': { sql: 'SELECT pick($1)', params: ['1'] },
    },
  );
  const before = await objectSnapshot(db);
  const { result, reportDir: written } = await runWithConfig({ config, reportDir });
  t.equal(result.outcome, 'stuck', result.reason);
  t.same(result.rounds.flatMap((r) => r.repairs), [], 'nothing was run');
  const refusals = result.rounds[0]!.refusals;
  const xml = refusals.find((r) => r.findings[0].finding.kind === 'missing-function' && r.findings[0].finding.name === 'xml_valid');
  t.equal(xml?.reason, 'not-relocatable');
  t.equal(xml?.suggestedSql, '-- "xml2" is not relocatable. DROP EXTENSION fails while objects use it (CASCADE would drop them): review first.\nDROP EXTENSION "xml2";\nCREATE EXTENSION "xml2" SCHEMA "public";');
  const pick = refusals.find((r) => r.findings[0].finding.kind === 'missing-function' && r.findings[0].finding.name === 'pick');
  t.equal(pick?.reason, 'ambiguous');
  t.match(pick?.detail, /pick\(unknown\).*test_schema\.pick\(integer\) or function test_schema\.pick\(bigint\)/);
  t.same(await objectSnapshot(db), before, 'every object where it was');
  const report = await readFile(join(written!, 'report.md'), 'utf8');
  t.match(report, /DROP EXTENSION "xml2";/, 'the report shows the SQL a person would run');
});
