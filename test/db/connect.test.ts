import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { DatabaseUnreachableError } from '../../src/errors.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('a reachable database gives a working keep-alive pool named smoke-fix', async (t) => {
  const db = await createTestDatabase(t);
  const database = await openDatabase({ url: db.url, connectRetries: 3 });
  t.teardown(() => database.close());
  const { rows } = await database.pool.query<{ name: string }>('SELECT current_setting($1) AS name', ['application_name']);
  t.same(rows, [{ name: 'smoke-fix' }]);
  t.equal(database.pool.options.max, 4);
});

t.test('a stopped server: DatabaseUnreachableError after the retries, naming where and why, never the password', async (t) => {
  const db = await createTestDatabase(t, { ownServer: true });
  const url = new URL(db.url);
  const password = decodeURIComponent(url.password);
  t.ok(password.length > 0, 'the test URL has a password to leak');
  await db.stopServer();

  const started = Date.now();
  const error = await openDatabase({ url: db.url, connectRetries: 3 }, { retryDelayMs: 50 }).catch((e: unknown) => e);
  t.type(error, DatabaseUnreachableError);
  const message = (error as Error).message;
  t.match(message, `Cannot connect to PostgreSQL at postgres@127.0.0.1:${url.port}/${db.name} after 3 attempts`);
  t.match(message, /connection refused \(ECONNREFUSED\)/);
  t.match(message, /check that PostgreSQL is running/);
  t.notMatch(message, password);
  t.equal((error as DatabaseUnreachableError).exitCode, 3);
  t.ok(Date.now() - started >= 100, 'it backed off between attempts');
});

t.test('a wrong password is not retried, and the wrong password is not echoed', async (t) => {
  const db = await createTestDatabase(t);
  const url = new URL(db.url);
  url.password = 'not-the-password-42';
  const error = await openDatabase({ url: url.toString(), connectRetries: 5 }, { retryDelayMs: 2000 }).catch((e: unknown) => e);
  t.type(error, DatabaseUnreachableError);
  const message = (error as Error).message;
  t.match(message, /after 1 attempt: authentication failed \(28P01/);
  t.match(message, /check the user and password/);
  t.notMatch(message, 'not-the-password-42');
});

t.test('an unknown database is named', async (t) => {
  const db = await createTestDatabase(t);
  const url = new URL(db.url);
  url.pathname = '/no_such_db';
  const error = await openDatabase({ url: url.toString(), connectRetries: 2 }).catch((e: unknown) => e);
  t.match((error as Error).message, /\/no_such_db after 1 attempt: database does not exist \(3D000/);
});

t.test('a checked-out client whose session is terminated (57P01) between two queries does not crash the process', async (t) => {
  const db = await createTestDatabase(t);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const client = await database.pool.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  // Between two of its queries, as the applier's client is between BEGIN and the DDL.
  await db.query('SELECT pg_terminate_backend($1)', [pid]);
  await new Promise((r) => setTimeout(r, 300));
  const error = await client.query('SELECT 1').catch((e: unknown) => e);
  t.match(String(error), /terminat|not queryable|Connection/i, 'the next query reports the lost connection');
  client.release(true);
  t.same((await database.pool.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the pool goes on with a new connection');
});
