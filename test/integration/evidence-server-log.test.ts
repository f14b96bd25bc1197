/**
 * PostgreSQL's own log is shared by every database and role of the server. With
 * `database.serverLog: true`, only records of this database (and of `database.appRole` when set)
 * inside the window of smoke-fix's requests may drive a repair: another app on the same server,
 * connected to another database (or as another role), fails on a table that exists in this
 * database's source schema at the very moment smoke-fix probes, and that table must not move.
 * stderr (with `%d`/`%u` in log_line_prefix), csvlog and jsonlog; a prefix without `%d` is said
 * once and the server log drives nothing.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { serveOnLoopback } from '../helpers/loopback-app.js';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { createTestDatabase, withClient } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

type Teardown = { teardown(fn: () => unknown): void };

const PREFIX_WITH_DB = '%m [%p] %q%u@%d ';

const SETUP = `
  CREATE SCHEMA test_schema;
  CREATE TABLE test_schema.real_item (id int); INSERT INTO test_schema.real_item VALUES (1), (2), (3);
  CREATE TABLE test_schema.decoy (id int);
  CREATE TABLE test_schema.decoy_role (id int);
`;

function urlAs(url: string, user: string, password: string, database?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The app (`/page`, real SQL as `appUrl`'s role), and at the same moment another client of the
 * same server: in another database, and (`intruderInOurDb`) as another role in this one.
 */
async function startApp(t: Teardown, appUrl: string, others: readonly string[]) {
  const pool = new pg.Pool({ connectionString: appUrl, max: 2, options: '-c search_path=public' });
  pool.on('error', () => {});
  const server = createServer((req, res) => {
    void (async () => {
      for (const url of others) {
        await withClient(url, (c) => c.query('SELECT * FROM decoy').catch(() => undefined));
        await withClient(url, (c) => c.query('SELECT * FROM decoy_role').catch(() => undefined));
      }
      try {
        await pool.query('SELECT id FROM real_item');
        res.writeHead(200).end('ok');
      } catch {
        res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Server Error (500)</h1>');
      }
    })();
  });
  const app = await serveOnLoopback(server, () => pool.end());
  t.teardown(() => app.close());
  return app.url;
}

interface Variant {
  readonly name: string;
  readonly settings: Record<string, string>;
  readonly appRole: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'stderr with %u@%d in log_line_prefix', settings: { log_destination: 'stderr', log_line_prefix: PREFIX_WITH_DB }, appRole: false },
  { name: 'csvlog', settings: { log_destination: 'csvlog' }, appRole: false },
  { name: 'jsonlog, with database.appRole', settings: { log_destination: 'jsonlog' }, appRole: true },
];

async function setUp(t: Teardown, settings: Record<string, string>) {
  const db = await createTestDatabase(t, { settings: { logging_collector: 'on', log_directory: 'log', ...settings } });
  await db.exec(SETUP);
  const suffix = randomBytes(3).toString('hex');
  const password = randomBytes(8).toString('hex');
  const [app, intruder, otherDb] = [`app_${suffix}`, `intruder_${suffix}`, `other_${suffix}`];
  await db.exec(`
    CREATE ROLE ${app} LOGIN PASSWORD '${password}';
    CREATE ROLE ${intruder} LOGIN PASSWORD '${password}';
    GRANT USAGE ON SCHEMA test_schema TO ${app}, ${intruder};
    GRANT SELECT ON ALL TABLES IN SCHEMA test_schema TO ${app};`);
  await db.query(`CREATE DATABASE ${otherDb} OWNER ${intruder}`);
  return {
    db,
    app,
    appUrl: urlAs(db.url, app, password),
    intruderHere: urlAs(db.url, intruder, password),
    intruderThere: urlAs(db.url, intruder, password, otherDb),
  };
}

async function run(t: Teardown, baseUrl: string, databaseUrl: string, appRole?: string) {
  const dir = await tempDir(t, 'smoke-fix-evidence-pg-');
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `baseUrl: ${baseUrl}\ndatabase: { url: "\${DATABASE_URL}", serverLog: true${appRole ? `, appRole: ${appRole}` : ''} }\nendpoints: [/page]\nrepair: { mode: apply }\n`,
  );
  const config = await loadConfig(file, { DATABASE_URL: databaseUrl });
  return (await runWithConfig({ config, reportDir: join(dir, 'reports') })).result;
}

async function schemas(db: { query: <R extends pg.QueryResultRow>(sql: string) => Promise<R[]> }) {
  const rows = await db.query<{ name: string; schema: string }>(
    `SELECT c.relname AS name, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'test_schema') ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.schema]));
}

for (const v of VARIANTS) {
  t.test(`${v.name}: another database's (and role's) errors move nothing`, async (t) => {
    const s = await setUp(t, v.settings);
    // Without appRole the intruder works in its own database only (any role of this database counts).
    const baseUrl = await startApp(t, s.appUrl, v.appRole ? [s.intruderThere, s.intruderHere] : [s.intruderThere]);
    const result = await run(t, baseUrl, s.db.url, v.appRole ? s.app : undefined);

    t.equal(result.outcome, 'green', `green (${result.reason}) ${result.warnings.join(' | ')}`);
    t.same(await schemas(s.db), { decoy: 'test_schema', decoy_role: 'test_schema', real_item: 'public' }, 'only the app\'s table moved');
    const sources = result.rounds.flatMap((r) => r.findings.map((f) => f.source.type));
    t.same([...new Set(sources)], ['server-log'], 'found in the server log');
    const reasons = Object.fromEntries((result.ignoredEvidence ?? []).map((i) => [i.reason, i.count]));
    t.ok((reasons['other-database'] ?? 0) >= 2, `the other database's errors were ignored (${JSON.stringify(reasons)})`);
    if (v.appRole) t.ok((reasons['other-role'] ?? 0) >= 2, `another role's errors in this database were ignored (${JSON.stringify(reasons)})`);
  });
}

t.test('stderr whose log_line_prefix names no database: said once, and the server log drives nothing', async (t) => {
  const s = await setUp(t, { log_destination: 'stderr', log_line_prefix: '%m [%p] ' });
  const baseUrl = await startApp(t, s.appUrl, [s.intruderThere]);
  const result = await run(t, baseUrl, s.db.url);
  t.equal(result.outcome, 'stuck', `stuck (${result.reason})`);
  t.equal(result.warnings.length, 1, `one warning: ${result.warnings.join(' | ')}`);
  t.match(result.warnings[0], /log_line_prefix "%m \[%p\] " carries no database name \(%d\).*set log_line_prefix = '%m \[%p\] %q%u@%d '/, 'naming the prefix to set');
  t.same(await schemas(s.db), { decoy: 'test_schema', decoy_role: 'test_schema', real_item: 'test_schema' }, 'nothing moved');
});
