/**
 * An app that shows only `Server Error (500)` and logs nothing (Django with DEBUG=False and no
 * LOGGING): the only place the error text exists is PostgreSQL's own log. With
 * `database.serverLog: true` smoke-fix reads it through SQL and still repairs everything; when its
 * role may not read the log, the run ends stuck with one plain warning saying why, and no crash.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { startSqlApp, type AppRoute } from '../../src/demo/sql-app.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const COLLECTOR = { logging_collector: 'on', log_directory: 'log', log_filename: 'postgresql.log', log_line_prefix: '%m [%p] %q%u@%d ' };

/** Tables behind a two-deep cascade, and a column only the stale copy in test_schema has. */
const DRIFT_SQL = `
  CREATE TABLE public.user_profile (id serial PRIMARY KEY, username text NOT NULL);
  INSERT INTO public.user_profile (username) VALUES ('alice');
  CREATE TABLE test_schema.user_profile_about_item (id serial PRIMARY KEY, profile_id int NOT NULL, body text);
  INSERT INTO test_schema.user_profile_about_item (profile_id, body) SELECT 1, 'item ' || g FROM generate_series(1, 12) g;
  CREATE TABLE test_schema.user_profile_stream_config (id serial PRIMARY KEY, stream text);
  INSERT INTO test_schema.user_profile_stream_config (stream) VALUES ('all'), ('work');
  CREATE TABLE public.members (id serial PRIMARY KEY, name text NOT NULL);
  INSERT INTO public.members (name) VALUES ('alice'), ('bob'), ('carol');
  CREATE TABLE test_schema.members (id serial PRIMARY KEY, name text NOT NULL, nickname text);
`;

const ROUTES: AppRoute[] = [
  { path: '/healthz', queries: ['SELECT 1'] },
  {
    path: '/@alice/',
    queries: [
      "SELECT id FROM user_profile WHERE username = 'alice'",
      'SELECT body FROM user_profile_about_item',
      'SELECT stream FROM user_profile_stream_config',
    ],
  },
  { path: '/members/', queries: ['SELECT name, nickname FROM members'] },
];

async function writeConfig(t: Teardown, vars: { baseUrl: string; databaseUrl: string }) {
  const dir = await tempDir(t, 'smoke-fix-serverlog-');
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `baseUrl: \${BASE_URL}
database:
  url: \${DATABASE_URL}
  serverLog: true
endpoints: [/healthz, /@alice/, /members/]
repair: { mode: apply }
`,
  );
  const config = await loadConfig(file, { BASE_URL: vars.baseUrl, DATABASE_URL: vars.databaseUrl });
  return { config, reportDir: join(dir, 'reports') };
}

/** The app as Django with DEBUG=False shows it: no error text in the page, no log file. */
async function startOpaqueApp(t: Teardown, databaseUrl: string) {
  const app = await startSqlApp({ databaseUrl, routes: ROUTES, errorStyle: 'opaque' });
  t.teardown(() => app.close());
  const page = await fetch(`${app.url}/@alice/`);
  return { app, before: { status: page.status, body: await page.text() } };
}

/** A login role that owns both schemas and every table in them, but is no superuser. */
async function createOwnerRole(db: TestDatabase): Promise<string> {
  const role = `smoke_fix_owner_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await db.exec(`
    CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER;
    CREATE SCHEMA test_schema AUTHORIZATION ${role};
    ALTER SCHEMA public OWNER TO ${role};
    SET ROLE ${role};
    ${DRIFT_SQL}
    RESET ROLE;`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  return url.toString();
}

t.test('with logging_collector on, a superuser run goes green from the server log alone', async (t) => {
  const db = await createTestDatabase(t, { settings: COLLECTOR });
  await db.exec(`CREATE SCHEMA test_schema; ${DRIFT_SQL}`);
  const { app, before } = await startOpaqueApp(t, db.url);
  t.equal(before.status, 500, 'the page fails before the repair');
  t.equal(before.body, '<h1>Server Error (500)</h1>', 'and its body names no table');

  const { config, reportDir } = await writeConfig(t, { baseUrl: app.url, databaseUrl: db.url });
  const { result } = await runWithConfig({ config, reportDir });

  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');
  t.same(result.warnings, [], 'no warnings');
  const sources = result.rounds.flatMap((r) => r.findings.map((f) => f.source.type));
  t.ok(sources.length >= 3, `three things were found (${sources.length})`);
  t.same([...new Set(sources)], ['server-log'], "every finding came from PostgreSQL's log");

  const where = await db.query<{ relname: string; schema: string; rows: number }>(
    `SELECT c.relname, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname IN ('public', 'test_schema') ORDER BY 1, 2`,
  );
  t.same(
    where.map((r) => `${r.schema}.${r.relname}`),
    ['public.members', 'test_schema.members', 'public.user_profile', 'public.user_profile_about_item', 'public.user_profile_stream_config'],
    'both cascade tables moved to public; the stale members copy stayed',
  );
  const [counts] = await db.query<{ items: number; streams: number; members: number }>(
    `SELECT (SELECT count(*)::int FROM public.user_profile_about_item) AS items,
            (SELECT count(*)::int FROM public.user_profile_stream_config) AS streams,
            (SELECT count(*)::int FROM public.members WHERE nickname IS NULL) AS members`,
  );
  t.same(counts, { items: 12, streams: 2, members: 3 }, 'rows kept, and public.members has the nickname column');
  for (const path of ['/@alice/', '/members/']) {
    const res = await fetch(app.url + path);
    await res.text();
    t.equal(res.status, 200, `${path} answers 200 now`);
  }
});

t.test("a role that may not read the server log: stuck, with one warning that says why", async (t) => {
  const db = await createTestDatabase(t, { settings: COLLECTOR });
  const ownerUrl = await createOwnerRole(db);
  const { app, before } = await startOpaqueApp(t, ownerUrl);
  t.equal(before.status, 500, 'the app works as that role and fails on the missing table');

  const { config, reportDir } = await writeConfig(t, { baseUrl: app.url, databaseUrl: ownerUrl });
  const snapshot = await catalogSnapshot(db.url);
  const { result, reportDir: written } = await runWithConfig({ config, reportDir });

  t.equal(result.outcome, 'stuck', `outcome (${result.reason})`);
  t.match(result.reason, /Note: .*log/i, 'the reason points at the unreadable log');
  t.equal(result.exitCode, 1, 'exit code 1');
  t.equal(result.warnings.length, 1, `one warning: ${result.warnings.join(' | ')}`);
  const warning = result.warnings[0] ?? '';
  t.match(warning, /cannot read PostgreSQL's log/, 'the warning says the server log cannot be read');
  t.match(warning, /may not call .*pg_read_binary_file/, 'and why: the role lacks the file functions');
  t.match(warning, /GRANT/, 'and how to fix it');
  t.notMatch(warning, new URL(ownerUrl).password, 'without the password');
  t.same(await catalogSnapshot(db.url), snapshot, 'nothing was changed on a guess');
  const statuses = Object.fromEntries((result.rounds[0]?.probes ?? []).map((p) => [p.path, p.status]));
  t.same(statuses, { '/healthz': 200, '/@alice/': 500, '/members/': 500 }, 'the app answers as that role; only the drifted pages fail');
  const md = await readFile(join(written!, 'report.md'), 'utf8');
  t.ok(md.includes("cannot read PostgreSQL's log"), 'report.md carries the warning');

  // The advice is meant to be pasted: run it as a superuser, and the same role goes green (which
  // also shows that the role's ownership of the tables was enough for the moves).
  const grant = /GRANT EXECUTE ON FUNCTION .*? TO "[^"]+"/.exec(warning)?.[0];
  t.ok(grant, 'the warning carries a GRANT statement');
  await db.exec(grant!);
  const again = await runWithConfig({ config, reportDir });
  t.equal(again.result.outcome, 'green', `after the GRANT: ${again.result.reason}`);
  t.same(again.result.warnings, [], 'and no warning');
});
