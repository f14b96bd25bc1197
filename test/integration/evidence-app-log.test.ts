/**
 * Only log records tied to a request smoke-fix made may move a table. A real app (real SQL, real
 * log file, opaque 500 pages as Django with DEBUG=False) writes its own error record for
 * smoke-fix's request and, at the same moment, records of visitors: a line naming no request, a
 * visitor's request line for the probed path (other query string; other User-Agent) with error
 * lines after it, a request smoke-fix never made, an hour-old record. Each names a real table in
 * the source schema. Only the table of smoke-fix's own request moves; the rest is reported as
 * ignored evidence, per reason. Both ways: a log that records request ids and one that does not.
 */
import { readFile, appendFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { serveOnLoopback } from '../helpers/loopback-app.js';
import { renderSummary } from '../../src/cli/render.js';
import { createStyle } from '../../src/util/style.js';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

const DECOYS = ['decoy_nopath', 'decoy_query', 'decoy_agent', 'decoy_other', 'decoy_old', 'decoy_untagged'];
const SETUP = `
  CREATE SCHEMA test_schema;
  CREATE TABLE test_schema.users_item (id serial PRIMARY KEY, name text);
  INSERT INTO test_schema.users_item (name) SELECT 'u' || g FROM generate_series(1, 7) g;
  ${DECOYS.map((d) => `CREATE TABLE test_schema.${d} (id int); INSERT INTO test_schema.${d} VALUES (1), (2);`).join('\n')}
`;

const two = (n: number) => String(n).padStart(2, '0');
/** Python's asctime (local time). */
const asctime = (d: Date) =>
  `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, '0')}`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Apache/nginx `[30/Nov/2026:04:55:01 +0000]` in UTC. */
const clf = (d: Date) =>
  `[${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000]`;

function traceback(message: string): string[] {
  return ['Traceback (most recent call last):', '  File "/app/django/db/backends/utils.py", line 89, in _execute', `psycopg2.errors.UndefinedTable: ${message}`, ''];
}

/** The app: `/users` reads users_item with search_path=public; a failure is logged, visitors too. */
async function startApp(t: { teardown(fn: () => unknown): void }, databaseUrl: string, logFile: string, tagged: boolean) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, options: '-c search_path=public' });
  pool.on('error', () => {});
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x.invalid').pathname;
    if (path !== '/users') return void res.writeHead(404).end('Not Found');
    try {
      const { rowCount } = await pool.query('SELECT name FROM users_item');
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${rowCount} users</p>`);
    } catch (e) {
      const now = new Date();
      const id = tagged ? ` [request_id=${String(req.headers['x-request-id'] ?? '-')}]` : '';
      const visitorNoId = tagged ? ' [request_id=-]' : '';
      const lines = [
        // smoke-fix's own request
        `${asctime(now)} ERROR django.request: Internal Server Error: /users${id}`,
        ...traceback((e as Error).message),
        // a visitor's search, logged by the app with the visitor's words in it: no request named
        `${asctime(now)} INFO shop.search: visitor searched for relation "decoy_nopath" does not exist`,
        // a visitor's request line for the probed path, with a query string, and lines after it
        `127.0.0.9 - - ${clf(now)} "GET /users?q=x HTTP/1.1" 500 12`,
        'psycopg2.errors.UndefinedTable: relation "decoy_query" does not exist',
        // the same path without a query string, but another client's User-Agent
        `127.0.0.9 - - ${clf(now)} "GET /users HTTP/1.1" 500 12 "-" "Mozilla/5.0 (X11)"`,
        'psycopg2.errors.UndefinedTable: relation "decoy_agent" does not exist',
        // a request smoke-fix never made
        `${asctime(now)} ERROR django.request: Internal Server Error: /other/${visitorNoId}`,
        ...traceback('relation "decoy_other" does not exist'),
        // an old record for the probed path, flushed late
        `${asctime(new Date(now.getTime() - 3_600_000))} ERROR django.request: Internal Server Error: /users${visitorNoId}`,
        ...traceback('relation "decoy_old" does not exist'),
      ];
      // A log that records request ids: a visitor's record for the probed path, at the same moment.
      if (tagged) lines.push(`${asctime(now)} ERROR django.request: Internal Server Error: /users [request_id=-]`, ...traceback('relation "decoy_untagged" does not exist'));
      await appendFile(logFile, lines.join('\n') + '\n');
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Server Error (500)</h1>');
    }
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => res.writeHead(500).end()));
  const app = await serveOnLoopback(server, () => pool.end());
  t.teardown(() => app.close());
  return app.url;
}

for (const tagged of [false, true]) {
  t.test(`${tagged ? 'a log that records request ids' : 'a log without request ids'}: only smoke-fix's own record moves a table`, async (t) => {
    const db = await createTestDatabase(t);
    await db.exec(SETUP);
    const dir = await tempDir(t, 'smoke-fix-evidence-');
    const logFile = join(dir, 'django.log');
    await writeFile(logFile, '');
    const baseUrl = await startApp(t, db.url, logFile, tagged);
    const file = join(dir, 'config.yaml');
    await writeFile(file, `baseUrl: ${baseUrl}\ndatabase: { url: "\${DATABASE_URL}" }\nendpoints: [/users]\nlogs: [${logFile}]\nrepair: { mode: apply }\n`);
    const config = await loadConfig(file, { DATABASE_URL: db.url });
    const { result, reportDir } = await runWithConfig({ config, reportDir: join(dir, 'reports') });

    t.equal(result.outcome, 'green', `green (${result.reason})`);
    const moved = result.rounds.flatMap((r) => r.repairs).filter((r) => r.status === 'applied').map((r) => r.action.sql);
    t.same(moved, [`ALTER TABLE "test_schema"."users_item" SET SCHEMA "public";`], 'exactly one move: the table of smoke-fix\'s own request');
    const rows = await db.query<{ schema: string; name: string; n: number }>(
      `SELECT n.nspname AS schema, c.relname AS name, c.reltuples::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'test_schema') ORDER BY 2`,
    );
    t.same(rows.filter((r) => r.schema === 'public').map((r) => r.name), ['users_item'], 'no decoy reached public');
    t.same(rows.filter((r) => r.schema === 'test_schema').map((r) => r.name).sort(), [...DECOYS].sort(), 'every decoy is where it was');
    const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.users_item');
    t.equal(count!.n, 7, 'the moved table kept its rows');

    const byReason = Object.fromEntries((result.ignoredEvidence ?? []).map((i) => [i.reason, i.count]));
    t.same(
      byReason,
      tagged
        ? { 'no-request-id': 6 }
        : { 'names-no-request': 1, 'visitor-request': 2, 'path-not-requested': 1, 'outside-window': 1 },
      'each ignored record is counted under its reason',
    );
    const examples = (result.ignoredEvidence ?? []).flatMap((i) => i.examples).join('\n');
    // A few examples per reason (3), names as JSON strings.
    const shown = tagged ? ['decoy_nopath', 'decoy_query', 'decoy_agent'] : DECOYS.filter((d) => d !== 'decoy_untagged');
    for (const d of shown) t.match(examples, `"${d}" in log file ${logFile}: "`, `${d} is shown as a JSON string`);
    t.ok((result.ignoredEvidence ?? []).every((i) => i.examples.length <= 3), 'at most three examples per reason');
    const credit = result.rounds[0]!.findings.find((f) => f.finding.kind === 'missing-relation')!.source;
    t.match(credit, { type: 'log', endpoint: '/users', request: 'endpoint "/users" (GET /users)' }, 'the finding is credited to smoke-fix\'s request');

    const md = await readFile(join(reportDir, 'report.md'), 'utf8');
    t.match(md, '## Ignored evidence', 'report.md has the section');
    t.match(md, tagged ? 'no-request-id' : 'visitor-request');
    const json = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as { ignoredEvidence?: unknown[] };
    t.equal(json.ignoredEvidence?.length, tagged ? 1 : 4, 'report.json carries it too');
    t.match(renderSummary(result, reportDir, createStyle(false)), `ignored evidence: ${tagged ? 6 : 5} log record(s)`, 'the terminal summary says so');
  });
}
