import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { scanDrift } from '../../src/db/scan.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { counting } from './counting-queryable.js';

stopSharedServerAtEnd(t);

t.test('scan lists every misplaced relation, every name in both places, and column differences', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE SCHEMA test_schema; CREATE SCHEMA other_schema;
    CREATE TABLE test_schema.user_profile_about_item (id serial PRIMARY KEY, body text);
    CREATE TABLE test_schema.user_profile_stream_config (id int);
    CREATE VIEW test_schema.active_items AS SELECT * FROM test_schema.user_profile_about_item;
    CREATE SEQUENCE test_schema.invoice_number;
    CREATE TABLE test_schema.events (id int, at date) PARTITION BY RANGE (at);
    CREATE TABLE test_schema.events_2024 PARTITION OF test_schema.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE test_schema.twice (id int); CREATE TABLE other_schema.twice (id int);
    CREATE TABLE public.teams_membership (id int, team_id int, legacy_flag boolean);
    CREATE TABLE test_schema.teams_membership (id int, team_id int, left_at timestamptz, role text NOT NULL DEFAULT 'member');
    CREATE TABLE public.same (id int); CREATE TABLE test_schema.same (id int);
    CREATE TABLE public.untouched (id int);
  `);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  const spy = counting(database.pool);
  const scan = await scanDrift(spy, { targetSchema: 'public', sourceSchemas: ['test_schema', 'other_schema'] });
  t.ok(spy.sent.length <= 2, 'one or two catalog queries, not one per table');

  const missing = Object.fromEntries(scan.missingFromTarget.map((m) => [`${m.relation.schema}.${m.relation.name}`, m]));
  t.same(Object.keys(missing).sort(), [
    'other_schema.twice',
    'test_schema.active_items',
    'test_schema.events',
    'test_schema.invoice_number',
    'test_schema.twice',
    'test_schema.user_profile_about_item',
    'test_schema.user_profile_stream_config',
  ], 'partitions and owned sequences are not listed on their own');
  t.equal(missing['test_schema.user_profile_about_item']?.moveSql, 'ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";');
  t.equal(missing['test_schema.active_items']?.moveSql, 'ALTER VIEW "test_schema"."active_items" SET SCHEMA "public";');
  t.equal(missing['test_schema.invoice_number']?.moveSql, 'ALTER SEQUENCE "test_schema"."invoice_number" SET SCHEMA "public";');
  t.equal(
    missing['test_schema.events']?.moveSql,
    'ALTER TABLE "test_schema"."events" SET SCHEMA "public";\nALTER TABLE "test_schema"."events_2024" SET SCHEMA "public";',
  );
  t.match(missing['test_schema.events']?.relation, { kind: 'partitioned-table' });
  t.match(missing['test_schema.twice'], { moveSql: null, alsoIn: ['other_schema'] }, 'ambiguous: no SQL offered');

  t.same(scan.inBoth.map((b) => `${b.source.schema}.${b.name}`).sort(), ['test_schema.same', 'test_schema.teams_membership']);

  t.equal(scan.columnDifferences.length, 1, 'identical tables are not listed');
  const [diff] = scan.columnDifferences;
  t.equal(diff?.table, 'teams_membership');
  t.equal(diff?.sourceSchema, 'test_schema');
  t.same(diff?.onlyInTarget.map((c) => [c.name, c.type]), [['legacy_flag', 'boolean']]);
  t.same(diff?.onlyInSource.map((c) => [c.name, c.type, c.notNull, c.default]), [
    ['left_at', 'timestamp with time zone', false, null],
    ['role', 'text', true, "'member'::text"],
  ]);
});
