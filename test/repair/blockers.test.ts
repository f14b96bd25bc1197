/** Who holds the lock a repair waits for, read from a real PostgreSQL while the DDL waits. */
import pg from 'pg';
import t from 'tap';
import { blockersOf, describeBlockers } from '../../src/repair/blockers.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('the session holding the table is named, with the call a person may run', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec('CREATE SCHEMA test_schema; CREATE TABLE test_schema.items (id int);');
  const connect = async (name: string) => {
    const c = new pg.Client({ connectionString: db.url, application_name: name });
    await c.connect();
    t.teardown(() => c.end().catch(() => {}));
    return c;
  };
  const holder = await connect('nightly "report"');
  const repair = await connect('smoke-fix');
  const observer = await connect('observer');
  const [{ pid: holderPid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
  await holder.query('BEGIN; SELECT count(*) FROM test_schema.items -- nightly\n;');
  const [{ pid: repairPid }] = (await repair.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
  const waiting = repair.query('ALTER TABLE test_schema.items SET SCHEMA public').catch((e: unknown) => e);

  let blockers = await blockersOf(observer, repairPid);
  for (let i = 0; i < 50 && blockers.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    blockers = await blockersOf(observer, repairPid);
  }
  t.same(blockers.map((b) => [b.pid, b.applicationName, b.state]), [[holderPid, 'nightly "report"', 'idle in transaction']]);
  t.match(blockers[0]?.query, /SELECT count\(\*\) FROM test_schema\.items -- nightly\n/, 'its last statement');
  const text = describeBlockers(blockers);
  t.match(text, `Blocked by backend pid ${holderPid} (application `);
  t.notMatch(text, /\n/, 'the other session\'s text cannot break the line');
  t.match(text, /idle in transaction, transaction open \d+ s\), last statement: /);
  t.match(text, new RegExp(`If you decide it may go, end it with: SELECT pg_terminate_backend\\(${holderPid}\\);$`));

  await holder.query('COMMIT');
  t.match(await waiting, { command: 'ALTER' }, 'the move goes through once the holder commits');
  t.same(await blockersOf(observer, repairPid), []);
});

t.test('nobody to name: a sentence that says so', async (t) => {
  t.equal(describeBlockers([]), 'The session holding the lock could not be identified (it may have ended just before the look-up).');
});
