import t from 'tap';
import { openDatabase } from '../../src/db/connect.js';
import { LOCATE_COLUMNS_SQL, LOCATE_RELATIONS_SQL, locateColumns, locateFindings, locateRelations } from '../../src/db/locate.js';
import type { MissingColumnFinding, MissingRelationFinding } from '../../src/diagnose/types.js';
import { collected } from '../helpers/collected.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { counting } from './counting-queryable.js';

stopSharedServerAtEnd(t);

const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema', 'old_schema'] };

async function drifted(t: Parameters<typeof createTestDatabase>[0]) {
  const db = await createTestDatabase(t);
  await db.exec(`
    CREATE SCHEMA test_schema; CREATE SCHEMA old_schema; CREATE SCHEMA archive;
    CREATE TABLE test_schema.user_profile_about_item (id serial PRIMARY KEY, body text);
    INSERT INTO test_schema.user_profile_about_item (body) SELECT 'row ' || g FROM generate_series(1, 50) g;
    ANALYZE test_schema.user_profile_about_item;
    CREATE VIEW test_schema.active_items AS SELECT * FROM test_schema.user_profile_about_item;
    CREATE MATERIALIZED VIEW test_schema.item_counts AS SELECT count(*) AS n FROM test_schema.user_profile_about_item;
    CREATE SEQUENCE test_schema.invoice_number;
    CREATE TABLE test_schema.events (id int, at date) PARTITION BY RANGE (at);
    CREATE TABLE test_schema.events_2025 PARTITION OF test_schema.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE test_schema.events_2024 PARTITION OF test_schema.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE TABLE public.already_here (id int); CREATE TABLE test_schema.already_here (id int);
    CREATE TABLE test_schema.twice (id int); CREATE TABLE old_schema.twice (id int);
    CREATE TABLE archive.old_stuff (id int);
  `);
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  t.teardown(() => database.close());
  return { db, database };
}

t.test('one catalog query sorts every name of a round into target / sources / elsewhere', async (t) => {
  const { database } = await drifted(t);
  const spy = counting(database.pool);
  const names = [
    'user_profile_about_item', 'active_items', 'item_counts', 'invoice_number', 'events', 'events_2024',
    'already_here', 'twice', 'old_stuff', 'pg_class', 'nope', 'user_profile_about_item_id_seq', 'user_profile_about_item', // repeated on purpose
  ];
  const found = await locateRelations(spy, { names, ...schemas });
  t.equal(spy.sent.length, 1, 'exactly one query for the whole round');
  t.equal(found.length, names.length - 1, 'one location per distinct name');
  const at = (name: string) => found.find((l) => l.name === name)!;

  const table = at('user_profile_about_item');
  t.equal(table.inTarget, null);
  t.match(table.inSources, [{ schema: 'test_schema', name: 'user_profile_about_item', kind: 'table', rowEstimate: 50, isPartition: false }]);
  t.same(table.elsewhere, []);

  t.match(at('active_items').inSources, [{ kind: 'view' }]);
  t.match(at('item_counts').inSources, [{ kind: 'materialized-view' }]);
  t.match(at('invoice_number').inSources, [{ kind: 'sequence', ownedBy: undefined }]);
  t.match(at('user_profile_about_item_id_seq').inSources, [{ kind: 'sequence', ownedBy: { schema: 'test_schema', name: 'user_profile_about_item' } }]);

  const events = at('events').inSources[0]!;
  t.equal(events.kind, 'partitioned-table');
  t.same(events.partitions?.map((p) => [p.schema, p.name, p.isPartition]), [
    ['test_schema', 'events_2024', true],
    ['test_schema', 'events_2025', true],
  ]);
  t.match(at('events_2024').inSources, [{ isPartition: true, partitionOf: { schema: 'test_schema', name: 'events' } }]);

  t.match(at('already_here'), { inTarget: { schema: 'public' }, inSources: [{ schema: 'test_schema' }] });
  t.same(at('twice').inSources.map((r) => r.schema), ['old_schema', 'test_schema']);
  t.match(at('old_stuff'), { inTarget: null, inSources: [], elsewhere: [{ schema: 'archive' }] });
  t.match(at('pg_class'), { inTarget: null, inSources: [], elsewhere: [{ schema: 'pg_catalog', kind: 'table' }] });
  t.same(at('nope'), { name: 'nope', inTarget: null, inSources: [], elsewhere: [] });
});

t.test('names travel as parameters: a hostile name finds nothing and changes nothing', async (t) => {
  const { db, database } = await drifted(t);
  await db.exec('CREATE TABLE public.users (id int); INSERT INTO public.users VALUES (1)');
  const spy = counting(database.pool);
  const hostile = `x"; DROP TABLE users; --`;
  const found = await locateRelations(spy, { names: [hostile, "x'); DROP TABLE users; --"], ...schemas });
  t.same(found.map((l) => [l.inTarget, l.inSources, l.elsewhere]), [[null, [], []], [null, [], []]]);
  t.notMatch(spy.sent[0], /DROP/, 'the SQL text never contains the names');
  t.same(await db.query('SELECT count(*)::int AS n FROM public.users'), [{ n: 1 }]);
});

t.test('a name with a NUL byte is simply not in the catalog (no database error)', async (t) => {
  const { database } = await drifted(t);
  const found = await locateRelations(database.pool, { names: ['a\u0000b'], ...schemas });
  t.same(found.map((l) => [l.name, l.inTarget, l.inSources, l.elsewhere]), [['a\u0000b', null, [], []]]);
});

t.test('no names, no query', async (t) => {
  const { database } = await drifted(t);
  const spy = counting(database.pool);
  t.same(await locateRelations(spy, { names: [], ...schemas }), []);
  t.same(await locateColumns(spy, { findings: [], ...schemas }), []);
  t.equal(spy.sent.length, 0);
});

function col(column: string, table?: string): MissingColumnFinding {
  return { kind: 'missing-column', column, table, message: `column "${column}" does not exist`, language: 'en' };
}

t.test('locateColumns: one query finds the source copies of each missing column', async (t) => {
  const { db, database } = await drifted(t);
  await db.exec(`
    CREATE TABLE public.teams_membership (id int, team_id int);
    CREATE TABLE test_schema.teams_membership (id int, team_id int, left_at timestamptz,
      role varchar(20) NOT NULL DEFAULT 'member', joined_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE public.a (id int); CREATE TABLE test_schema.a (id int, archived boolean);
    CREATE TABLE public.b (id int); CREATE TABLE test_schema.b (id int, archived boolean);
  `);
  const spy = counting(database.pool);
  const findings = [
    col('left_at', 'teams_membership'),
    col('role', 'teams_membership'),
    col('joined_at', 'teams_membership'),
    col('left_at', 'tm'), // an alias: resolved through the catalog
    col('archived'), // no table, two candidates
    col('team_id', 'teams_membership'),
    col('nothing', 'teams_membership'),
    col('left_at', 'user_profile_about_item'), // table only in the source schema
  ];
  const found = await locateColumns(spy, { findings, ...schemas });
  t.equal(spy.sent.length, 1, 'exactly one query');
  const [leftAt, role, joinedAt, alias, archived, present, nothing, notInTarget] = found;

  t.match(leftAt, {
    table: 'teams_membership',
    presentInTarget: false,
    targetTableExists: true,
    sourceCopies: [{ schema: 'test_schema', column: { name: 'left_at', type: 'timestamp with time zone', notNull: false, default: null, defaultIsConstant: false } }],
  });
  t.match(role?.sourceCopies, [{ column: { type: 'character varying(20)', notNull: true, default: "'member'::character varying", defaultIsConstant: true } }]);
  t.match(joinedAt?.sourceCopies, [{ column: { notNull: true, default: 'now()', defaultIsConstant: false } }]);
  t.match(alias, { table: 'teams_membership', candidates: ['teams_membership'], sourceCopies: [{ schema: 'test_schema' }] });
  t.match(archived, { table: null, candidates: ['a', 'b'], sourceCopies: [] });
  t.match(present, { presentInTarget: true });
  t.match(nothing, { presentInTarget: false, targetTableExists: true, sourceCopies: [] });
  t.match(notInTarget, { table: 'user_profile_about_item', targetTableExists: false });
});

t.test('locateFindings: one query per kind of the round, each answer under the key of the finding it answers', async (t) => {
  const { db, database } = await drifted(t);
  await db.exec(`CREATE TABLE public.teams_membership (id int); CREATE TABLE test_schema.teams_membership (id int, left_at timestamptz);`);
  const spy = counting(database.pool);
  const relation = (name: string, schema?: string): MissingRelationFinding => ({ kind: 'missing-relation', name, schema, message: '', language: 'en' });
  const bare = collected(relation('twice'));
  const qualified = collected(relation('twice', 'public'));
  const leftAt = collected(col('left_at', 'teams_membership'));
  const located = await locateFindings(spy, [bare, leftAt, qualified], schemas);
  t.same(
    [LOCATE_RELATIONS_SQL, LOCATE_COLUMNS_SQL].map((sql) => spy.sent.filter((q) => q === sql).length),
    [1, 1],
    'one catalog query for both relation findings, one for the column (then the row count of its table)',
  );
  t.equal(located.relations.get(bare.key), located.relations.get(qualified.key), 'two names of one relation: one answer, filed under both keys');
  t.match(located.relations.get(bare.key), { name: 'twice', inSources: [{ schema: 'old_schema' }, { schema: 'test_schema' }] });
  t.match(located.columns.get(leftAt.key), { column: 'left_at', table: 'teams_membership', sourceCopies: [{ schema: 'test_schema' }] });
  t.same([located.relations.size, located.columns.size, located.objects.size], [2, 1, 0]);
});
