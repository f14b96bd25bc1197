/**
 * Review: PostgreSQL writes log_line_prefix's `%u` and `%d` from the startup packet, before any
 * authentication. Anyone who can reach the server's port (no password needed) can therefore
 * connect "as" user `x` to a database named `<our db> ERROR:  relation "d" does not exist`: the
 * FATAL line that follows reads, prefix and all, like a record of OUR database, and at a moment
 * the attacker chooses (e.g. in a loop, so some line falls into smoke-fix's request window).
 * Such a line must not move a table.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { serveOnLoopback } from '../helpers/loopback-app.js';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import type { RunResult } from '../../src/result.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

const PREFIX_WITH_DB = '%m [%p] %q%u@%d ';

/** The app's table, misplaced in test_schema, and the decoy `d` an attacker wants moved. */
const TABLES = `
    CREATE SCHEMA test_schema;
    CREATE TABLE test_schema.real_item (id int); INSERT INTO test_schema.real_item VALUES (1), (2);
    CREATE TABLE test_schema.d (id int); INSERT INTO test_schema.d VALUES (7);`;

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** One start-up attempt of the attacker's: it fails, and PostgreSQL logs it with the names it chose. */
async function attempt(attacker: pg.ClientConfig): Promise<void> {
  const c = new pg.Client(attacker);
  c.on('error', () => {});
  await c.connect().catch(() => undefined);
  await c.end().catch(() => undefined);
}

/** The app's one query: true when it failed (the table is not on its search_path yet). */
function queryFails(pool: pg.Pool): Promise<boolean> {
  return pool.query('SELECT id FROM real_item').then(
    () => false,
    () => true,
  );
}

/** The app: every request runs `page` and answers 500 when it says the query failed. Returns its base URL. */
async function serveApp(t: Teardown, pool: pg.Pool, page: () => Promise<boolean>): Promise<string> {
  const server = createServer((_req, res) => {
    void page().then((failed) => {
      if (failed) res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Server Error (500)</h1>');
      else res.writeHead(200).end('ok');
    });
  });
  const app = await serveOnLoopback(server, () => pool.end());
  t.teardown(() => app.close());
  return app.url;
}

/** smoke-fix in apply mode reading the server log, `database` extended by `databaseKeys`. */
async function runSmokeFix(t: Teardown, db: TestDatabase, baseUrl: string, prefix: string, databaseKeys = ''): Promise<RunResult> {
  const dir = await tempDir(t, prefix);
  const file = join(dir, 'config.yaml');
  await writeFile(file, `baseUrl: ${baseUrl}\ndatabase: { url: "\${DATABASE_URL}", serverLog: true${databaseKeys} }\nendpoints: [/page]\nrepair: { mode: apply }\n`);
  const config = await loadConfig(file, { DATABASE_URL: db.url });
  return (await runWithConfig({ config, reportDir: join(dir, 'reports') })).result;
}

/** Table name → its schema afterwards, for the tables of public and test_schema. */
async function schemaOfTables(db: TestDatabase): Promise<Record<string, string>> {
  const rows = await db.query<{ name: string; schema: string }>(
    `SELECT c.relname AS name, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'test_schema') ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.schema]));
}

t.test('stderr log: a login attempt whose database name forges a prefix of ours moves nothing', async (t) => {
  const db = await createTestDatabase(t, { settings: { logging_collector: 'on', log_directory: 'log', log_destination: 'stderr', log_line_prefix: PREFIX_WITH_DB } });
  await db.exec(TABLES);
  // Startup-packet names are cut at 63 bytes; this one fits (25 + 36).
  const forgedDatabase = `${db.name} ERROR:  relation "d" does not exist`;
  t.ok(forgedDatabase.length <= 63, 'the forged name fits a startup packet');
  const admin = new URL(db.url);
  // No valid role or password: the attempt fails, and PostgreSQL logs it with the prefix.
  const attacker = { host: admin.hostname, port: Number(admin.port), user: 'x', password: 'nope', database: forgedDatabase };

  const app = new pg.Pool({ connectionString: db.url, max: 2, options: '-c search_path=public' });
  app.on('error', () => {});
  const baseUrl = await serveApp(t, app, async () => {
    // The attacker's failed connection, at the moment of smoke-fix's request.
    await attempt(attacker);
    return queryFails(app);
  });

  const result = await runSmokeFix(t, db, baseUrl, 'smoke-fix-forged-prefix-');

  const where = await schemaOfTables(db);
  t.equal(where['d'], 'test_schema', `the decoy stayed where it was (${result.outcome}: ${result.reason})`);
  t.equal(where['real_item'], 'public', "the app's own error, in its own record, still moved its table");
  const moved = result.rounds.flatMap((r) => r.repairs.filter((x) => x.status === 'applied').map((x) => x.action.sql));
  t.notOk(moved.some((sql) => /\bd\b SET SCHEMA|"d"/.test(sql)), `no repair names the decoy: ${moved.join(' | ')}`);
});

/**
 * Review: before authentication PostgreSQL also logs, as a FATAL record of the database and user
 * named in the startup packet, text the client chose: `invalid value for parameter "replication":
 * "<value>"`. So the record is genuinely "of this database and database.appRole", in jsonlog as
 * in stderr, at a moment the attacker chooses, and needs no password. Only ERROR records (a
 * statement of the app failing) may count.
 */
t.test('jsonlog with appRole: a failed start-up naming our database and role moves nothing', async (t) => {
  const db = await createTestDatabase(t, { settings: { logging_collector: 'on', log_directory: 'log', log_destination: 'jsonlog' } });
  const app = 'app_review';
  await db.exec(`${TABLES}
    CREATE ROLE ${app} LOGIN PASSWORD 'app-pw';
    GRANT USAGE ON SCHEMA test_schema TO ${app};`);
  const admin = new URL(db.url);
  const appUrl = new URL(db.url);
  appUrl.username = app;
  appUrl.password = 'app-pw';
  // No password at all: the startup packet alone is logged.
  const attacker = { host: admin.hostname, port: Number(admin.port), user: app, database: db.name, replication: 'relation "d" does not exist' };

  const pool = new pg.Pool({ connectionString: appUrl.toString(), max: 2, options: '-c search_path=public' });
  pool.on('error', () => {});
  const baseUrl = await serveApp(t, pool, async () => {
    await attempt(attacker as pg.ClientConfig);
    return queryFails(pool);
  });

  const result = await runSmokeFix(t, db, baseUrl, 'smoke-fix-forged-startup-', `, appRole: ${app}`);

  const where = await schemaOfTables(db);
  t.equal(where['d'], 'test_schema', `the decoy stayed where it was (${result.outcome}: ${result.reason})`);
  t.equal(where['real_item'], 'public', "the app's own ERROR record still moved its table");
  const reasons = (result.ignoredEvidence ?? []).map((i) => String(i.reason));
  t.ok(reasons.includes('not-an-error'), `the start-up record was ignored as not an ERROR (${reasons.join(', ')})`);
});

/**
 * Review: in stderr, a line whose label (`DETAIL:`) comes before any severity is read as the next
 * line of the record above it. A failed start-up whose database name is `<our db> DETAIL: relation
 * "d" does not exist`, logged right after the app's own ERROR, was glued onto that ERROR record
 * (of our database, at ERROR) and named the decoy.
 */
t.test('stderr: a start-up line posing as a DETAIL line of our ERROR record moves nothing', async (t) => {
  const db = await createTestDatabase(t, { settings: { logging_collector: 'on', log_directory: 'log', log_destination: 'stderr', log_line_prefix: PREFIX_WITH_DB } });
  await db.exec(TABLES);
  const admin = new URL(db.url);
  const forgedDatabase = `${db.name} DETAIL: relation "d" does not exist`;
  t.ok(forgedDatabase.length <= 63, 'the forged name fits a startup packet');
  const attacker = { host: admin.hostname, port: Number(admin.port), user: 'x', password: 'nope', database: forgedDatabase };
  const app = new pg.Pool({ connectionString: db.url, max: 2, options: '-c search_path=public' });
  app.on('error', () => {});
  const baseUrl = await serveApp(t, app, async () => {
    const failed = await queryFails(app);
    // Right after the app's ERROR record: the attacker's line follows it in the log.
    await attempt(attacker);
    return failed;
  });
  const result = await runSmokeFix(t, db, baseUrl, 'smoke-fix-forged-detail-');
  const where = await schemaOfTables(db);
  t.equal(where['d'], 'test_schema', `the decoy stayed where it was (${result.outcome}: ${result.reason})`);
  t.equal(where['real_item'], 'public', "the app's own ERROR record still moved its table");
});
