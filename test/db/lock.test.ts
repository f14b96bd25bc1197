import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { acquireRunLock, LOCK_HOLDER_SQL, runLockKey } from '../../src/db/lock.js';
import { LockHeldError, LockLostError } from '../../src/errors.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('the lock key is stable and depends on the target schema', async (t) => {
  t.same(runLockKey('public'), runLockKey('public'));
  t.not(runLockKey('public')[1], runLockKey('app')[1]);
  t.equal(runLockKey('public')[0], runLockKey('app')[0], 'key1 marks smoke-fix');
});

t.test('a second run is refused while the first holds the lock, and told who holds it', async (t) => {
  const db = await createTestDatabase(t);
  const cron = await openDatabase({ url: db.url, connectRetries: 1 }, { applicationName: 'smoke-fix cron' });
  const hook = await openDatabase({ url: db.url, connectRetries: 1 }, { applicationName: 'smoke-fix deploy' });
  t.teardown(async () => {
    await cron.close();
    await hook.close();
  });

  const held = await acquireRunLock(cron.pool, { targetSchema: 'public' });
  const [holder] = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name = 'smoke-fix cron' AND datname = current_database() AND state = 'idle' ORDER BY backend_start LIMIT 1`,
  );
  const error = await acquireRunLock(hook.pool, { targetSchema: 'public' }).catch((e: unknown) => e);
  t.type(error, LockHeldError);
  const message = (error as LockHeldError).message;
  t.match(message, /Another smoke-fix run holds the repair lock for schema "public"/);
  t.match(message, `backend pid ${holder?.pid}`);
  t.match(message, /application_name "smoke-fix cron"/);
  t.match(message, /client 127\.0\.0\.1/);
  t.match(message, /connected since \d{4}-\d\d-\d\dT/);
  t.equal((error as LockHeldError).exitCode, 3);
  t.notOk(message.includes(decodeURIComponent(new URL(db.url).password)), 'no password');

  // Another target schema is another lock; after release the first one is free again.
  const other = await acquireRunLock(hook.pool, { targetSchema: 'app' });
  await other.release();
  await held.release();
  await held.release(); // twice is harmless
  const next = await acquireRunLock(hook.pool, { targetSchema: 'public' });
  await next.release();
  t.equal(hook.pool.totalCount - hook.pool.idleCount, 0, 'every connection went back to the pool');
});

t.test('a lock whose session is terminated is known to be lost, and the process survives', async (t) => {
  const db = await createTestDatabase(t);
  const run = await openDatabase({ url: db.url, connectRetries: 1 }, { applicationName: 'smoke-fix victim' });
  t.teardown(() => run.close());
  const lock = await acquireRunLock(run.pool, { targetSchema: 'public' });
  t.doesNotThrow(() => lock.assertHeld(), 'held while the session lives');

  // What the LockHeldError message tells an operator to do with a stuck run.
  await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'smoke-fix victim'`);
  let error: unknown;
  for (let i = 0; i < 50 && !error; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      lock.assertHeld();
    } catch (e) {
      error = e;
    }
  }
  t.type(error, LockLostError, 'further DDL is refused');
  t.equal((error as LockLostError).exitCode, 3);
  t.match((error as Error).message, /no further repairs were made/);
  // The server did not restart: someone ended the session on purpose, so the lock is not re-taken.
  const ensured = await lock.ensureHeld().catch((e: unknown) => e);
  t.type(ensured, LockLostError);
  t.match((ensured as Error).message, /the server did not restart, so the session was ended on purpose/);
  await lock.release();
  const again = await acquireRunLock(run.pool, { targetSchema: 'public' });
  const [held] = await db.query<{ application_name: string }>(LOCK_HOLDER_SQL, [...runLockKey('public')]);
  t.equal(held?.application_name, 'smoke-fix victim', 'the lock can be taken again by a new run');
  await again.release();
});
