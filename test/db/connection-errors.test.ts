/** A lost connection (exit 3) is told apart from an SQL error, on a real PostgreSQL. */
import pg from 'pg';
import t from 'tap';
import { isConnectionError, rethrowAsUnreachable } from '../../src/db/connection-errors.js';
import { DatabaseUnreachableError } from '../../src/errors.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('a terminated session is a connection error; a missing table is not', async (t) => {
  const db = await createTestDatabase(t);
  const client = new pg.Client({ connectionString: db.url, application_name: 'smoke-fix victim' });
  client.on('error', () => {}); // the termination also arrives as an event
  await client.connect();
  t.teardown(() => client.end().catch(() => {}));

  const sqlError = await client.query('SELECT * FROM nowhere').catch((e: unknown) => e);
  t.notOk(isConnectionError(sqlError), '42P01 is data for the report');
  t.throws(() => rethrowAsUnreachable(sqlError, 'the move'), { code: '42P01' }, 'and is rethrown as it is');

  await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'smoke-fix victim'`);
  const lost = await client.query('SELECT 1').catch((e: unknown) => e);
  t.ok(isConnectionError(lost), `a terminated session: ${(lost as Error).message}`);
  t.throws(() => rethrowAsUnreachable(lost, 'the move'), DatabaseUnreachableError);
  try {
    rethrowAsUnreachable(lost, 'the move');
  } catch (e) {
    t.match((e as Error).message, /^The database connection failed during the move: .*Check that PostgreSQL is up/);
    t.equal((e as DatabaseUnreachableError).exitCode, 3);
  }
});

t.test('a refused connection is a connection error', async (t) => {
  const client = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:9/none', connectionTimeoutMillis: 2000 });
  const refused = await client.connect().catch((e: unknown) => e);
  t.ok(isConnectionError(refused), String(refused));
});
