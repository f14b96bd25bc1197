/** "Why it happened" and the expectation check, pure parts by exact value. */
import t from 'tap';
import { compareOne, expectationSummary } from '../../src/history/verify.js';
import { migrationBatches, pathSettings } from '../../src/history/why.js';
import type { HistoryDrift } from '../../src/history/types.js';
import { ADD_FLAG, SHOP_ITEM, SHOP_ORDER, table, column } from './expected-fixture.js';

t.test('pathSettings: each setting that names a source schema, with the statement that removes it', async (t) => {
  const settings = pathSettings({
    rows: [
      { role: 'app', database: 'shop', setting: 'search_path=test_schema, public' },
      { role: 'We"ird', database: null, setting: 'search_path="test_schema",public' },
      { role: null, database: 'shop', setting: 'search_path=public' },
      { role: null, database: 'shop db', setting: 'search_path=TEST_SCHEMA, public' },
    ],
    session: { role: 'app', database: 'shop', search_path: 'test_schema, public' },
    sourceSchemas: ['test_schema'],
  });
  t.same(settings, [
    { where: 'role app in database shop', role: 'app', database: 'shop', searchPath: 'test_schema, public', sourceSchemas: ['test_schema'], fix: 'ALTER ROLE "app" IN DATABASE "shop" RESET search_path;' },
    { where: 'role We"ird', role: 'We"ird', database: null, searchPath: '"test_schema",public', sourceSchemas: ['test_schema'], fix: 'ALTER ROLE "We""ird" RESET search_path;' },
    { where: 'database shop db', role: null, database: 'shop db', searchPath: 'TEST_SCHEMA, public', sourceSchemas: ['test_schema'], fix: 'ALTER DATABASE "shop db" RESET search_path;' },
  ], 'unquoted names fold to lower case; the session path explained by a stored setting is not repeated');
  t.same(
    pathSettings({ rows: [], session: { role: 'app', database: 'shop', search_path: 'test_schema,public' }, sourceSchemas: ['test_schema'] }),
    [{ where: 'this connection (role app)', role: 'app', database: 'shop', searchPath: 'test_schema,public', sourceSchemas: ['test_schema'], fix: null }],
  );
});

t.test('migrationBatches: migrations behind misplaced objects, grouped by time', async (t) => {
  const at = (id: string, appliedAt: string | null) => ({ id, appliedAt });
  const obj = (name: string, ref: { id: string; appliedAt: string | null }, state: 'misplaced' | 'in-target' = 'misplaced') => ({
    expected: table(name, [column('id', 'bigint', true)], { createdBy: ref }),
    state,
    foundIn: state === 'misplaced' ? ['test_schema'] : [],
    differences: [],
  });
  const drift: HistoryDrift = {
    targetSchema: 'public',
    sourceSchemas: ['test_schema'],
    objects: [
      obj('a', at('shop.0001_initial', '2025-12-29T14:02:10Z')),
      obj('b', at('shop.0002_b', '2025-12-29T14:05:00Z')),
      obj('c', at('blog.0001_initial', '2026-01-03T09:00:00Z')),
      obj('d', at('shop.0001_initial', '2025-12-29T14:02:10Z'), 'in-target'),
    ],
    notTheApps: [],
    leftovers: [],
    crossSchemaForeignKeys: [],
  };
  t.same(migrationBatches(drift), [
    { from: '2025-12-29 14:02', to: '2025-12-29 14:05', migrations: ['shop.0001_initial', 'shop.0002_b'], objects: ['test_schema.a', 'test_schema.b'] },
    { from: '2026-01-03 09:00', to: '2026-01-03 09:00', migrations: ['blog.0001_initial'], objects: ['test_schema.c'] },
  ]);
});

t.test('compareOne: counts against the model, FK targets outside the target schema', async (t) => {
  const live = {
    kind: 'table' as const,
    columns: [
      { name: 'id', type: 'bigint', notNull: true, default: null },
      { name: 'item_id', type: 'bigint', notNull: true, default: null },
    ],
    indexes: ['shop_order_pkey'],
    constraints: [
      { name: 'shop_order_item_fk', type: 'foreign-key' as const, references: { schema: 'test_schema', name: 'shop_item' } },
      { name: 'shop_order_pkey', type: 'primary-key' as const },
    ],
  };
  const check = compareOne(SHOP_ORDER, live, 'public');
  t.same(check, {
    object: 'public.shop_order',
    migration: 'shop.0001_initial, applied 2025-12-29 14:02',
    columns: { expected: 2, found: 2 },
    indexes: { expected: 2, found: 1 },
    constraints: { expected: 2, found: 2 },
    problems: ['index shop_order_item_id_idx missing', 'foreign key shop_order_item_fk references test_schema.shop_item, outside public'],
  });
  t.equal(expectationSummary(check), 'expected 2 columns, found 2; indexes 1/2; constraints 2/2');
  t.same(compareOne(SHOP_ORDER, live, 'public', (name) => name === 'shop_item').problems, ['index shop_order_item_id_idx missing'], 'its table moves in the same round');
  t.same(compareOne(SHOP_ITEM, undefined, 'public').problems, ['public.shop_item is not in the target schema']);
  t.equal(SHOP_ITEM.columns[2]!.addedBy, ADD_FLAG);
});
