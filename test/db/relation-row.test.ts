import t from 'tap';
import { toCatalogRelation } from '../../src/db/relation-row.js';

t.test('a pg_class row becomes the relation it describes; its bigint oid a number', async (t) => {
  const row = { oid: '16384', schema: 'test_schema', name: 'orders_2024', relkind: 'r', reltuples: 12, is_partition: true };
  t.same(toCatalogRelation(row), { oid: 16384, schema: 'test_schema', name: 'orders_2024', kind: 'table', rowEstimate: 12, isPartition: true });
  t.equal(toCatalogRelation({ ...row, relkind: 'p' }).kind, 'partitioned-table');
  t.equal(toCatalogRelation({ ...row, relkind: 'S' }).kind, 'sequence');
});

t.test('a relkind PostgreSQL may add later is an error, not a guess', async (t) => {
  t.throws(() => toCatalogRelation({ oid: '1', schema: 's', name: 'x', relkind: 'z', reltuples: 0, is_partition: false }), /unknown pg_class\.relkind "z"/);
});
