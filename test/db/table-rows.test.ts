/** Row figures that stay cheap: a table locked by a running migration is not waited on. */
import pg from 'pg';
import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { tableKey, tableRows } from '../../src/db/table-rows.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('a small table is counted; one locked by another session is reported as locked within seconds', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA s; CREATE TABLE s.free (id int); INSERT INTO s.free VALUES (1), (2); CREATE TABLE s.locked (id int); INSERT INTO s.locked VALUES (1);`);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  t.teardown(() => holder.end());
  await holder.query('BEGIN; LOCK TABLE s.locked IN ACCESS EXCLUSIVE MODE');

  const started = Date.now();
  const rows = await tableRows(database.pool, [{ schema: 's', name: 'free' }, { schema: 's', name: 'locked' }]).catch((e: unknown) => e);
  t.ok(Date.now() - started < 4000, `did not wait for the lock (${Date.now() - started} ms)`);
  t.notOk(rows instanceof Error, `no error: ${String(rows)}`);
  const map = rows as Map<string, unknown>;
  t.same(map.get(tableKey({ schema: 's', name: 'free' })), { kind: 'exact', rows: 2 });
  t.same(map.get(tableKey({ schema: 's', name: 'locked' })), { kind: 'locked' }, 'locked: said so instead of waiting');
  await holder.query('ROLLBACK');
  const [after] = await database.pool.query<{ lt: string; st: string }>(`SELECT current_setting('lock_timeout') AS lt, current_setting('statement_timeout') AS st`).then((r) => r.rows);
  t.same(after, { lt: '0', st: '0' }, 'the timeouts did not outlive the count on the pooled connection');
});
