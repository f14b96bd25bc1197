/** `scan`'s row figures on a real PostgreSQL: each misplaced table with its rows; views and sequences have none. */
import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { scanDrift } from '../../src/db/scan.js';
import { withRowCounts } from '../../src/db/scan-rows.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('tables get exact counts when small; a view and a sequence get none', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`CREATE SCHEMA test_schema;
    CREATE TABLE test_schema.items AS SELECT g AS id FROM generate_series(1, 7) g;
    CREATE TABLE test_schema.empty_items (id int);
    CREATE VIEW test_schema.item_view AS SELECT * FROM test_schema.items;
    CREATE SEQUENCE test_schema.numbers;`);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const scan = await scanDrift(database.pool, { targetSchema: 'public', sourceSchemas: ['test_schema'] });
  const counted = await withRowCounts(database.pool, scan);
  t.same(
    Object.fromEntries(counted.missingFromTarget.map((m) => [m.relation.name, m.rows])),
    { empty_items: { kind: 'exact', rows: 0 }, item_view: undefined, items: { kind: 'exact', rows: 7 }, numbers: undefined },
  );
  t.same({ ...counted, missingFromTarget: [] }, { ...scan, missingFromTarget: [] }, 'the rest of the scan is as it was');
});
