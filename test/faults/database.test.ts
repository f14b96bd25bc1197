/**
 * Faults of the database under a run: smoke-fix's session terminated mid-ALTER, a lock held past
 * every retry, two runs at once, PostgreSQL restarted between rounds and during a round. The
 * process never crashes; the run goes on where that is safe or ends exit 3; every committed change
 * is in repair.sql; no row is lost.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { stopSharedServerAtEnd, withClient } from '../helpers/database.js';
import { schemasOf, tableData } from '../helpers/table-data.js';
import { holdLock, journaledStatements, scene, smokeFixWaitingForLock, TABLES } from './fixture.js';

stopSharedServerAtEnd(t);

const move = (name: string) => `ALTER TABLE "test_schema"."${name}" SET SCHEMA "public";`;

t.test("smoke-fix's session terminated while its ALTER waits: exit 3, the two committed changes recorded, the third rolled back", async (t) => {
  const s = await scene(t, { database: 'lockTimeoutMs: 30000' });
  const data = await tableData(s.db.url);
  const blocker = await holdLock(t, s.db.url, 'test_schema.t_gamma');
  const running = runWithConfig({ config: await s.config() });
  const pid = await smokeFixWaitingForLock(s.db.url);
  await withClient(s.db.url, (c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
  const { result, reportDir } = await running;
  t.equal(result.exitCode, 3);
  t.equal(result.errorCode, 'DB_UNREACHABLE');
  t.match(result.reason, /before .* committed .*rolled it back/);
  t.same(await journaledStatements(reportDir), [move('t_alpha'), move('t_beta')], 'repair.sql: both committed changes');
  t.match(await readFile(join(reportDir, 'report.md'), 'utf8'), /t_alpha/);
  await blocker.release();
  t.same(await schemasOf(s.db.url, TABLES), { t_alpha: 'public', t_beta: 'public', t_gamma: 'test_schema' });
  t.same(await tableData(s.db.url), data, 'no row lost');
});

t.test('a lock held past every retry: retried, then reported with the blocker and the call a person may run; the blocker lives on', async (t) => {
  const s = await scene(t, { database: 'lockTimeoutMs: 200\n  lockRetries: 2' });
  const data = await tableData(s.db.url);
  const blocker = await holdLock(t, s.db.url, 'test_schema.t_gamma');
  const { result, reportDir } = await runWithConfig({ config: await s.config() });
  t.equal(result.exitCode, 1, 'stuck, not an environment error');
  const md = await readFile(join(reportDir, 'report.md'), 'utf8');
  t.match(md, /in 3 attempt\(s\)/);
  t.match(md, `backend pid ${blocker.pid} (application "fault-test-blocker"`);
  t.match(md, `SELECT pg_terminate_backend(${blocker.pid});`);
  t.same((await blocker.client.query('SELECT 1 AS alive')).rows, [{ alive: 1 }], 'the blocking session was not ended');
  t.same(await journaledStatements(reportDir), [move('t_alpha'), move('t_beta')]);
  await blocker.release();
  t.same(await tableData(s.db.url), data, 'no row lost');
});

t.test('two runs at once: the second is refused (exit 3) while the first works; each table moves once', async (t) => {
  const s = await scene(t, { database: 'lockTimeoutMs: 200\n  lockRetries: 50' });
  const data = await tableData(s.db.url);
  const blocker = await holdLock(t, s.db.url, 'test_schema.t_gamma');
  const first = runWithConfig({ config: await s.config() });
  await smokeFixWaitingForLock(s.db.url);
  const second = await runWithConfig({ config: await s.config() });
  t.equal(second.result.exitCode, 3);
  t.equal(second.result.errorCode, 'LOCK_HELD');
  t.same(await journaledStatements(second.reportDir), [], 'the second run changed nothing');
  await blocker.release();
  const { result, reportDir } = await first;
  t.equal(result.outcome, 'green', result.reason);
  t.same(await journaledStatements(reportDir), TABLES.map(move));
  t.same(await tableData(s.db.url), data, 'no row lost');
});

/** A front for the app that restarts PostgreSQL before answering the `at`-th request for `path`. */
async function restartingProxy(t: { teardown(fn: () => unknown): void }, appUrl: () => string, restart: () => Promise<void>, path: string, at: number) {
  let seen = 0;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === path && ++seen === at) await restart();
      const upstream = await fetch(appUrl() + req.url, { method: req.method });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
      res.end(await upstream.text());
    })().catch((e: unknown) => res.writeHead(502).end(String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

t.test('PostgreSQL restarted between rounds: no crash; the run re-takes its lock on a new session and goes on to green', async (t) => {
  let proxyUrl = '';
  let restart: () => Promise<void> = async () => {};
  let app = '';
  const routes = [{ path: '/chain', queries: ['SELECT count(*) FROM t_alpha', 'SELECT count(*) FROM t_beta'] }];
  // The proxy needs the scene's app and database, the scene's config needs the proxy's URL.
  proxyUrl = await restartingProxy(t, () => app, () => restart(), '/chain', 2);
  const s = await scene(t, { ownServer: true, routes, baseUrl: () => proxyUrl });
  app = s.app.url;
  restart = () => s.db.restartServer();
  const data = await tableData(s.db.url);
  const warnings: string[] = [];
  const { result, reportDir } = await runWithConfig({
    config: await s.config(),
    emit: (e) => void (e.type === 'warning' && warnings.push(e.message)),
  });
  t.equal(result.outcome, 'green', result.reason);
  t.match(warnings, [/PostgreSQL restarted during the run; the repair lock was taken again/]);
  t.same(await journaledStatements(reportDir), [move('t_alpha'), move('t_beta')], 'both rounds are in repair.sql');
  t.same(await schemasOf(s.db.url, TABLES), { t_alpha: 'public', t_beta: 'public', t_gamma: 'test_schema' });
  const [held] = await s.db.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
  t.same(held, { n: 0 }, 'the re-taken lock was released at the end');
  t.same(await tableData(s.db.url), data, 'no row lost');
});

t.test('PostgreSQL restarted while an ALTER waits: no crash, exit 3, committed changes recorded, the ALTER rolled back', async (t) => {
  const s = await scene(t, { ownServer: true, database: 'lockTimeoutMs: 30000' });
  const data = await tableData(s.db.url);
  await holdLock(t, s.db.url, 'test_schema.t_gamma');
  const running = runWithConfig({ config: await s.config() });
  await smokeFixWaitingForLock(s.db.url);
  await s.db.restartServer();
  const { result, reportDir } = await running;
  t.equal(result.exitCode, 3);
  t.equal(result.errorCode, 'DB_UNREACHABLE');
  t.same(await journaledStatements(reportDir), [move('t_alpha'), move('t_beta')]);
  t.same(await schemasOf(s.db.url, TABLES), { t_alpha: 'public', t_beta: 'public', t_gamma: 'test_schema' });
  t.same(await tableData(s.db.url), data, 'no row lost');
});
