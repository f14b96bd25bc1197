/** Exit 3: the environment, not the app, is the problem — and the message says which part. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/db/connect.js';
import { acquireRunLock } from '../../src/db/lock.js';
import { startSqlApp } from '../../src/demo/sql-app.js';
import { DEMO_ROUTES, DEMO_SETUP_SQL } from '../../src/demo/fixture.js';
import { freePort } from '../../src/embedded/postgres.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

async function configFor(t: { teardown(fn: () => unknown): void }, vars: { baseUrl: string; databaseUrl: string }, extra = '') {
  const dir = await tempDir(t, 'smoke-fix-env-');
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `baseUrl: \${BASE_URL}
database:
  url: \${DATABASE_URL}
  connectRetries: 1
endpoints: [/healthz, /@alice/, /teams/]
http: { retries: 1, timeoutMs: 2000 }
repair: { mode: apply }
report: { dir: ${JSON.stringify(join(dir, 'reports'))} }
${extra}`,
  );
  return loadConfig(file, { BASE_URL: vars.baseUrl, DATABASE_URL: vars.databaseUrl });
}

t.test('a second run is refused while one holds the lock, and says who holds it', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DEMO_SETUP_SQL);
  const app = await startSqlApp({ databaseUrl: db.url, routes: DEMO_ROUTES });
  t.teardown(() => app.close());
  const config = await configFor(t, { baseUrl: app.url, databaseUrl: db.url });

  const holder = await openDatabase(config.database, { applicationName: 'smoke-fix (cron)' });
  const lock = await acquireRunLock(holder.pool, { targetSchema: 'public' });
  const before = await catalogSnapshot(db.url);
  const { result } = await runWithConfig({ config });
  t.equal(result.exitCode, 3);
  t.equal(result.outcome, 'environment-error');
  t.equal(result.errorCode, 'LOCK_HELD');
  t.match(result.reason, /smoke-fix \(cron\)/, 'names the run that holds the lock');
  t.same(await catalogSnapshot(db.url), before, 'nothing changed while refused');

  await lock.release();
  await holder.close();
  const second = await runWithConfig({ config });
  t.equal(second.result.outcome, 'green', 'once the lock is free the run goes ahead');
});

t.test('a stopped database gives exit 3 with a clear message and no password', async (t) => {
  const db = await createTestDatabase(t, { ownServer: true });
  const app = await startSqlApp({ databaseUrl: db.url, routes: DEMO_ROUTES });
  t.teardown(() => app.close());
  await db.stopServer();
  const config = await configFor(t, { baseUrl: app.url, databaseUrl: db.url });
  const { result, reportDir } = await runWithConfig({ config });
  t.equal(result.exitCode, 3);
  t.equal(result.errorCode, 'DB_UNREACHABLE');
  t.match(result.reason, /127\.0\.0\.1/);
  const password = new URL(db.url).password;
  t.notMatch(result.reason, password, 'the password is not in the message');
  // What cron mails: report.md and report.json in the run's folder, saying why the run stopped.
  const json = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8')) as { outcome: string; errorCode: string };
  t.match(json, { outcome: 'environment-error', errorCode: 'DB_UNREACHABLE' }, 'report.json is written with the outcome');
  const md = await readFile(join(reportDir, 'report.md'), 'utf8');
  t.match(md, /Cannot connect to PostgreSQL/, 'report.md is written and says what failed');
  t.notMatch(md, password, 'and holds no password');
});

t.test('an app that is not listening gives exit 3 (target unreachable)', async (t) => {
  const db = await createTestDatabase(t);
  const port = await freePort();
  const config = await configFor(t, { baseUrl: `http://127.0.0.1:${port}`, databaseUrl: db.url });
  const { result } = await runWithConfig({ config });
  t.equal(result.exitCode, 3);
  t.equal(result.errorCode, 'TARGET_UNREACHABLE');
  t.match(result.reason, /ECONNREFUSED/);
});
