/**
 * What a person reads after a run, through the real binary against a real app and database:
 * counts that agree in every output, each database error under its endpoint, --quiet, refusals
 * that state the table's rows, and a stuck run that says which error source to add.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { startSqlApp } from '../../src/demo/sql-app.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

const SETUP = `
CREATE SCHEMA test_schema;
CREATE TABLE test_schema.t_first (id int); INSERT INTO test_schema.t_first VALUES (1);
CREATE TABLE test_schema.t_second (id int);
-- The target table is empty; its stale copy has a NOT NULL column without a default.
CREATE TABLE public.members (id int);
CREATE TABLE test_schema.members (id int, joined_at timestamptz NOT NULL);
`;

/** chain needs two moves (rounds 1 and 2); members is refused in every round; ok passes. */
const ROUTES = [
  { path: '/chain/', queries: ['SELECT * FROM t_first', 'SELECT * FROM t_second'] },
  { path: '/members/', queries: ['SELECT joined_at FROM members'] },
  { path: '/ok/', queries: ['SELECT 1'] },
];

async function setUp(t: Parameters<typeof createTestDatabase>[0] & Parameters<typeof tempDir>[0], routes = ROUTES, setup = SETUP) {
  const db = await createTestDatabase(t);
  await db.exec(setup);
  const app = await startSqlApp({ databaseUrl: db.url, routes, errorStyle: 'text' });
  t.teardown(() => app.close());
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  const endpoints = routes.map((r) => `{ name: ${r.path.replace(/\//g, '')}, path: ${r.path} }`).join(', ');
  await writeFile(file, `baseUrl: \${BASE_URL}\ndatabase: { url: "\${DATABASE_URL}" }\nendpoints: [${endpoints}]\nreport: { dir: reports }\n`);
  return { db, file, env: { BASE_URL: app.url, DATABASE_URL: db.url } };
}

function reportDirOf(stdout: string): string {
  const m = /report: (.+)/.exec(stdout);
  if (!m) throw new Error(`no report path in:\n${stdout}`);
  return m[1]!.trim();
}

t.test('a finding refused in three rounds is one refusal in the terminal, report.md, report.json and junit', async (t) => {
  const { file, env } = await setUp(t);
  const r = await cli(['run', file, '--apply'], env);
  t.equal(r.code, 1, r.stderr);
  t.match(r.stdout, /STUCK/);
  t.match(r.stdout, /rounds: 3 +repairs: 2 applied +refused: 1 /, 'the terminal counts the refused column once');
  const dir = reportDirOf(r.stdout);
  const md = await readFile(join(dir, 'report.md'), 'utf8');
  t.match(md, /- \*\*Counts:\*\* 3 rounds, 3 endpoints, 2 repairs applied, 1 refused,/);
  t.match(md, /unsafe-column \(rounds 1, 2, 3\)/, 'refused in each of the three rounds');
  const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { counts: { refused: number; applied: number; rounds: number } };
  t.match(json.counts, { refused: 1, applied: 2, rounds: 3 });
  const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
  t.match(junit, '<property name="count.refused" value="1"');
  t.match(junit, /refused: 1/);
});

t.test('progress prints each database error under the endpoint it was read for', async (t) => {
  const { file, env } = await setUp(t);
  const r = await cli(['run', file, '--plan'], env);
  t.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n');
  const after = (prefix: RegExp) => lines[lines.findIndex((l) => prefix.test(l)) + 1];
  t.match(after(/✗ chain  GET \/chain\/  500/), /^ {4}relation "t_first" does not exist$/);
  t.match(after(/✗ members  GET \/members\/  500/), /^ {4}column "joined_at" does not exist$/);
});

t.test('--quiet: the summary lists only the failing endpoints; the refusal tells the rows of the table', async (t) => {
  const { file, env } = await setUp(t);
  const quiet = await cli(['run', file, '--plan', '--quiet'], env);
  t.equal(quiet.code, 1, quiet.stderr);
  t.equal(quiet.stderr, '', 'no progress at all');
  t.match(quiet.stdout, /✗ chain/);
  t.match(quiet.stdout, /✗ members/);
  t.notMatch(quiet.stdout, /✓ ok/, 'the passing endpoint is not listed');
  t.match(quiet.stdout, /1 passing endpoint\(s\) not listed/);

  const normal = await cli(['run', file, '--plan'], env);
  t.match(normal.stdout, /✓ ok/, 'without --quiet the table has every endpoint');
  t.match(normal.stderr, /refused: .*"public"."members" has 0 rows, so adding it NOT NULL works now/);
  t.notMatch(normal.stderr, /a table with rows/);
});

t.test('a bare "Server Error (500)" and no log read: the stuck reason and report.md say what to add', async (t) => {
  const routes = [{ path: '/hidden/', queries: ['SELECT * FROM t_first'], errorStyle: 'opaque' as const }];
  const { file, env } = await setUp(t, routes);
  const r = await cli(['run', file, '--apply'], env);
  t.equal(r.code, 1, r.stderr);
  t.match(r.stdout, /STUCK: 1 endpoint\(s\) still fail and no database error was found/);
  t.match(r.stdout, /add `logs: \[<the app's log file>\]` .* or `database.serverLog: true`/);
  const md = await readFile(join(reportDirOf(r.stdout), 'report.md'), 'utf8');
  const next = md.slice(md.indexOf('## What to do next'));
  t.match(next, /1\. Let smoke-fix read the error the pages hide: add `logs: \[<the app's log file>\]` or `database.serverLog: true`/);
  t.match(next, /2\. Then run `smoke-fix run /);
  t.notMatch(next, /1\. Then run/, 'no dangling "Then"');
});

t.test('stuck without any refusal or hint: "What to do next" does not start with "Then"', async (t) => {
  const routes = [{ path: '/gone/', queries: ['SELECT 1'] }];
  const { file, env } = await setUp(t, routes);
  // A 404 (the route is not served) is no server error: no log would explain it.
  await writeFile(file, (await readFile(file, 'utf8')).replace('/gone/ }', '/missing/ }'));
  const r = await cli(['run', file, '--apply'], env);
  t.equal(r.code, 1, r.stderr);
  t.notMatch(r.stdout, /serverLog/, 'a 404 gets no advice about logs');
  const md = await readFile(join(reportDirOf(r.stdout), 'report.md'), 'utf8');
  t.match(md, /## What to do next\n\n1\. Run `smoke-fix run /);
});
