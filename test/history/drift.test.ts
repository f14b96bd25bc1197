import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { snapshotCatalog } from '../../src/history/catalog.js';
import { compareWithHistory, differences, hasDrift } from '../../src/history/drift.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { counting } from '../db/counting-queryable.js';
import { column, SHOP_ITEM, SHOP_NOTE, SHOP_ORDER, schemaOf, table } from './expected-fixture.js';

stopSharedServerAtEnd(t);

t.test('differences: columns, types, nullability, indexes, constraints, FK target by name', async (t) => {
  t.same(
    differences(SHOP_ORDER, {
      kind: 'table',
      columns: [
        { name: 'id', type: 'integer', notNull: true, default: null },
        { name: 'item_id', type: 'bigint', notNull: false, default: null },
        { name: 'extra', type: 'text', notNull: false, default: null },
      ],
      indexes: ['shop_order_pkey', 'shop_order_other_idx'],
      constraints: [
        { name: 'shop_order_item_fk', type: 'foreign-key', references: { schema: 'public', name: 'shop_note' } },
        { name: 'shop_order_pkey', type: 'unique' },
      ],
    }),
    [
      'column id is integer, expected bigint',
      'column item_id is nullable, expected NOT NULL',
      'column extra is not in the migrations',
      'index shop_order_item_id_idx missing',
      'index shop_order_other_idx is not in the migrations',
      'constraint shop_order_item_fk references shop_note, expected shop_item',
      'constraint shop_order_pkey is a unique, expected a primary-key',
    ],
  );
  t.same(differences(SHOP_ITEM, { kind: 'view', columns: [], indexes: ['shop_item_pkey'], constraints: [{ name: 'shop_item_pkey', type: 'primary-key' }] }), [
    'is a view, expected a table',
    'column id missing (added by shop.0001_initial)',
    'column name missing (added by shop.0001_initial)',
    'column flag missing (added by shop.0002_item_flag)',
  ]);
});

t.test('a real catalog against the expectation: every state, decoys, leftovers, cross-schema FKs', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE SCHEMA test_schema; CREATE SCHEMA other_schema;
    -- misplaced: the app's item table landed in test_schema
    CREATE TABLE test_schema.shop_item (id bigint PRIMARY KEY, name varchar(100) NOT NULL, flag boolean NOT NULL);
    -- in the target, but pointing into test_schema; plus a stale copy in test_schema
    CREATE TABLE public.shop_order (id bigint CONSTRAINT shop_order_pkey PRIMARY KEY,
      item_id bigint NOT NULL CONSTRAINT shop_order_item_fk REFERENCES test_schema.shop_item (id));
    CREATE INDEX shop_order_item_id_idx ON public.shop_order (item_id);
    CREATE TABLE test_schema.shop_order (id bigint);
    -- in the target, lacking a column
    CREATE TABLE public.shop_note (id bigint PRIMARY KEY);
    -- ambiguous
    CREATE TABLE test_schema.shop_twice (id bigint PRIMARY KEY); CREATE TABLE other_schema.shop_twice (id bigint PRIMARY KEY);
    -- not the app's: no migration created it (its owned sequence goes with it)
    CREATE TABLE test_schema.decoy (id serial PRIMARY KEY);
    -- outside the configured schemas: not looked at
    CREATE SCHEMA elsewhere; CREATE TABLE elsewhere.shop_gone (id bigint);
  `);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const spy = counting(database.pool);
  const snapshot = await snapshotCatalog(spy, { targetSchema: 'public', sourceSchemas: ['test_schema', 'other_schema'] });
  t.equal(spy.sent.length, 1, 'one catalog query for the whole snapshot');

  const twice = table('shop_twice', [column('id', 'bigint', true)]);
  const gone = table('shop_gone', [column('id', 'bigint', true)]);
  const drift = compareWithHistory(schemaOf([SHOP_ITEM, SHOP_ORDER, SHOP_NOTE, twice, gone]), snapshot, {
    targetSchema: 'public',
    sourceSchemas: ['test_schema', 'other_schema'],
  });
  t.same(
    drift.objects.map((o) => [o.expected.name, o.state, o.foundIn, o.differences]),
    [
      ['shop_gone', 'lost', [], []],
      ['shop_item', 'misplaced', ['test_schema'], []],
      ['shop_note', 'in-target', [], ['column body missing (added by shop.0001_initial)']],
      ['shop_order', 'in-target', [], []],
      ['shop_twice', 'ambiguous', ['other_schema', 'test_schema'], []],
    ],
  );
  t.same(drift.notTheApps, [
    { schema: 'test_schema', name: 'decoy', kind: 'table' },
    { schema: 'test_schema', name: 'decoy_id_seq', kind: 'sequence' },
  ], 'the decoy and its own sequence are not the app\'s');
  t.same(drift.leftovers, [{ schema: 'test_schema', name: 'shop_order', kind: 'table' }]);
  t.same(drift.crossSchemaForeignKeys, [
    { table: 'shop_order', constraint: 'shop_order_item_fk', referencesSchema: 'test_schema', referencesName: 'shop_item' },
  ]);
  t.equal(hasDrift(drift), true);

  // After the move the same comparison is clean, the FK follows the table by OID.
  await db.exec(`ALTER TABLE test_schema.shop_item SET SCHEMA public; ALTER TABLE public.shop_note ADD COLUMN body text;
                 DROP TABLE other_schema.shop_twice; ALTER TABLE test_schema.shop_twice SET SCHEMA public;`);
  const after = compareWithHistory(schemaOf([SHOP_ITEM, SHOP_ORDER, SHOP_NOTE, twice]), await snapshotCatalog(database.pool, { targetSchema: 'public', sourceSchemas: ['test_schema', 'other_schema'] }), {
    targetSchema: 'public',
    sourceSchemas: ['test_schema', 'other_schema'],
  });
  t.same(after.objects.map((o) => [o.expected.name, o.state, o.differences]), [
    ['shop_item', 'in-target', []],
    ['shop_note', 'in-target', []],
    ['shop_order', 'in-target', []],
    ['shop_twice', 'in-target', []],
  ]);
  t.same(after.crossSchemaForeignKeys, []);
  t.equal(hasDrift(after), false);
});
