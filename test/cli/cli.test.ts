/** The real binary, as cron or a deploy hook runs it: exit codes, output, secrets. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { startSqlApp } from '../../src/demo/sql-app.js';
import { DEMO_EXPECTED, DEMO_MEMBER, DEMO_ROUTES, DEMO_SETUP_SQL } from '../../src/demo/fixture.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { BIN, cli } from '../helpers/cli.js';

stopSharedServerAtEnd(t);



t.test('usage errors exit 2 and say what to do', async (t) => {
  const none = await cli([]);
  t.equal(none.code, 2);
  t.match(none.stdout, /Usage:/);
  const unknown = await cli(['frobnicate']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command 'frobnicate'/);
  const both = await cli(['run', 'x.yaml', '--plan', '--apply']);
  t.equal(both.code, 2);
  t.match(both.stderr, /--plan and --apply/);
  const help = await cli(['run', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /Examples:/);
});

t.test('validate lists every problem with file:line:col and exits 2', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'baseUrl: http://127.0.0.1:1\ndatabse:\n  url: postgres://x@127.0.0.1/db\nendpoints:\n  - { name: a, path: /a, auth: nobody }\n');
  const r = await cli(['validate', file]);
  t.equal(r.code, 2);
  t.match(r.stderr, `${file}:2:1`);
  t.match(r.stderr, /database/, 'did you mean database');
  t.match(r.stderr, `${file}:5:`);
  t.match(r.stderr, /nobody/);
});

t.test('run --apply repairs, exits 0, prints the summary; the password is nowhere', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DEMO_SETUP_SQL);
  const app = await startSqlApp({ databaseUrl: db.url, routes: DEMO_ROUTES });
  t.teardown(() => app.close());
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(file, 'baseUrl: ${BASE_URL}\ndatabase: { url: "${DATABASE_URL}" }\nendpoints: [/healthz, /@alice/, /teams/]\nreport: { dir: reports }\n');
  const env = { BASE_URL: app.url, DATABASE_URL: db.url };
  const password = new URL(db.url).password;

  const plan = await cli(['run', file, '--plan'], env);
  t.equal(plan.code, 1, 'plan mode with repairs pending exits 1');
  t.match(plan.stdout, /PLANNED/);
  t.match(plan.stderr, /ALTER TABLE "test_schema"\."user_profile_about_item" SET SCHEMA "public";/);

  const r = await cli(['run', file, '--apply', '--json'], env);
  t.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { outcome: string; reportDir: string };
  t.equal(json.outcome, 'green');
  const runs = await readdir(join(dir, 'reports'));
  t.ok(runs.length >= 2, 'one folder per run, plus the log');
  const everything = [plan.stdout, plan.stderr, r.stdout, r.stderr];
  for (const f of ['report.md', 'report.json', 'junit.xml', 'repair.sql', 'rollback.sql']) {
    everything.push(await readFile(join(json.reportDir, f), 'utf8'));
  }
  everything.push(await readFile(join(dir, 'reports', 'smoke-fix.log'), 'utf8'));
  for (const text of everything) t.notOk(text.includes(password), 'no output, report or log holds the database password');
});

t.test('demo: throwaway database and app, exits 0, report lists every moved table with its SQL', async (t) => {
  const dir = await tempDir(t);
  const r = await cli(['demo', '--report-dir', dir]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /GREEN/);
  const m = /report: (.+)/.exec(r.stdout);
  t.ok(m, 'prints the report path');
  const md = await readFile(join(m![1]!.trim(), 'report.md'), 'utf8');
  for (const table of DEMO_EXPECTED.moved) {
    t.match(md, `ALTER TABLE "test_schema"."${table}" SET SCHEMA "public";`);
  }
  t.notMatch(md, /legacy_import_batch" SET SCHEMA/, 'the decoy was not moved');
  t.match(r.stdout, /✓ settings/, 'the page behind the member login passes');
  t.notOk([md, r.stdout, r.stderr].some((x) => x.includes(DEMO_MEMBER.password)), 'the member password is nowhere');
});

t.test('scan names every misplaced table and column from the catalog alone, app down', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DEMO_SETUP_SQL);
  await db.exec(`CREATE TABLE test_schema.user_profile (id int, display_name text, pronouns text)`);
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  // Nothing listens on port 9: scan must not make a single HTTP request.
  await writeFile(file, 'baseUrl: http://127.0.0.1:9\ndatabase:\n  url: ${DATABASE_URL}\nendpoints: [/healthz]\n');
  const env = { DATABASE_URL: db.url };

  const text = await cli(['scan', file], env);
  t.equal(text.code, 0, text.stderr);
  const drifted = [...DEMO_EXPECTED.moved, DEMO_EXPECTED.decoy].sort();
  for (const table of drifted) t.match(text.stdout, `test_schema.${table}`);
  t.match(text.stdout, /user_profile: in public .* and test_schema/, 'a name in both schemas');
  t.match(text.stdout, /only in test_schema: pronouns text/, 'a column only the stale copy has');

  const json = await cli(['scan', file, '--json'], env);
  const scan = JSON.parse(json.stdout) as { missingFromTarget: Array<{ relation: { name: string } }> };
  t.same(scan.missingFromTarget.map((m) => m.relation.name).sort(), drifted);
  const counts = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'test_schema'`);
  t.equal(counts[0]!.n, drifted.length + 1, 'scan moved nothing (the drifted tables and the stale user_profile copy)');
});

t.test('SIGTERM mid-run: stops before the next change, writes the report, exits 3', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DEMO_SETUP_SQL);
  // A page slow enough (1 s) that the signal lands while round 1 is still probing.
  const app = await startSqlApp({
    databaseUrl: db.url,
    routes: [{ path: '/slow/', queries: ['SELECT pg_sleep(1)', 'SELECT 1 FROM user_profile_about_item'] }],
  });
  t.teardown(() => app.close());
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(file, 'baseUrl: ${BASE_URL}\ndatabase:\n  url: ${DATABASE_URL}\nendpoints: [/slow/]\nrepair: { mode: apply }\nreport: { dir: reports }\n');
  const child = spawn(process.execPath, [BIN, 'run', file, '--json'], { env: { ...process.env, CI: '1', BASE_URL: app.url, DATABASE_URL: db.url } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (String(d).includes('round 1: probing')) child.kill('SIGTERM');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.equal(code, 3, stderr);
  t.match(stderr, /SIGTERM: stopping before the next change/);
  const result = JSON.parse(stdout) as { errorCode: string; reportDir: string };
  t.equal(result.errorCode, 'INTERRUPTED');
  t.match(await readFile(join(result.reportDir, 'report.md'), 'utf8'), /Interrupted \(SIGTERM\)/);
  const [row] = await db.query<{ schema: string }>(`SELECT schemaname AS schema FROM pg_tables WHERE tablename = 'user_profile_about_item'`);
  t.equal(row!.schema, 'test_schema', 'nothing was moved after the signal');
});

t.test('--json never prints a secret the app echoes back (here a key from http.headers)', async (t) => {
  const key = 'k3y-Very-Secret-9931';
  // An app that echoes request headers on its error page, as some debug pages do.
  const server = createServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`boom; headers seen: ${JSON.stringify(req.headers)}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const db = await createTestDatabase(t);
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(file, 'baseUrl: ${BASE_URL}\ndatabase:\n  url: ${DATABASE_URL}\nendpoints: [/echo/]\nhttp:\n  headers: { X-Api-Key: ${API_KEY} }\n');
  const { port } = server.address() as AddressInfo;
  const r = await cli(['run', file, '--json'], { BASE_URL: `http://127.0.0.1:${port}`, DATABASE_URL: db.url, API_KEY: key });
  t.equal(r.code, 1, 'stuck: a 500 with no database error');
  t.match(r.stdout, /headers seen/, 'the echoed body excerpt is in the output');
  t.notOk(r.stdout.includes(key) || r.stderr.includes(key), 'but the key is masked');
});
