/** buildExpectedSchema by exact model, on real Django 3.2 sqlmigrate output and hand-written SQL. */
import t from 'tap';
import { buildExpectedSchema } from '../../../src/history/expected/build.js';
import { normalizeType } from '../../../src/history/expected/sql-types.js';
import { regclassName } from '../../../src/history/expected/defaults.js';
import { makeObjectName } from '../../../src/history/expected/names.js';
import type { ExpectedSchema } from '../../../src/history/types.js';
import { historyOf } from './catalog-shape.js';
import { djangoHistory } from './django-history.js';

const ref = (id: string) => ({ id, appliedAt: null });
const build = (migrations: ReadonlyArray<readonly [string, readonly string[]]>, targetSchema = 'public'): Promise<ExpectedSchema> =>
  buildExpectedSchema(historyOf(migrations), { targetSchema });

/** The fixture site's `teams` app, as `manage.py sqlmigrate teams 0001/0002` prints it (Django 3.2). */
function teamsMigrations() {
  return djangoHistory().migrations.filter((m) => m.id.startsWith('teams.')).map((m) => [m.id, m.statements] as const);
}

t.test('Django teams app: every column, index, constraint and owned sequence, exactly', async (t) => {
  const schema = await build(teamsMigrations());
  t.same(schema.unfollowed, []);
  t.equal(schema.migrationCount, 2);
  t.same([...schema.relations.keys()], ['teams_membership', 'teams_membership_id_seq', 'teams_team', 'teams_team_id_seq']);
  const col = (name: string, type: string, notNull: boolean, by = 'teams.0001_initial', extra: { default?: string; addSql?: string[] } = {}) => ({
    name,
    type,
    notNull,
    default: extra.default ?? null,
    addedBy: ref(by),
    addSql: extra.addSql ?? [],
  });
  t.same(schema.relations.get('teams_membership'), {
    name: 'teams_membership',
    kind: 'table',
    columns: [
      col('id', 'integer', true, 'teams.0001_initial', { default: "nextval('teams_membership_id_seq'::regclass)" }),
      col('role', 'character varying(20)', true),
      col('joined_at', 'timestamp with time zone', true),
      col('team_id', 'integer', true),
      col('user_id', 'integer', true),
      col('left_at', 'timestamp with time zone', false, 'teams.0002_membership_left_at', {
        addSql: ['ALTER TABLE "teams_membership" ADD COLUMN "left_at" timestamp with time zone NULL;'],
      }),
    ],
    indexes: ['teams_membership_pkey', 'teams_membership_team_id_user_id_79da5914_uniq', 'teams_membership_team_id_d18da3f9', 'teams_membership_user_id_b6b997fa'],
    constraints: [
      { name: 'teams_membership_pkey', type: 'primary-key' },
      { name: 'teams_membership_team_id_user_id_79da5914_uniq', type: 'unique' },
      { name: 'teams_membership_team_id_d18da3f9_fk_teams_team_id', type: 'foreign-key', references: { schema: 'public', name: 'teams_team' } },
      // auth_user is not in this history: the reference is kept by name, in the target schema.
      { name: 'teams_membership_user_id_b6b997fa_fk_auth_user_id', type: 'foreign-key', references: { schema: 'public', name: 'auth_user' } },
    ],
    createdBy: ref('teams.0001_initial'),
    changedBy: [ref('teams.0002_membership_left_at')],
  });
  t.same(schema.relations.get('teams_team')?.indexes, ['teams_team_pkey', 'teams_team_slug_key', 'teams_team_slug_301a24e5_like']);
  t.same(schema.relations.get('teams_team')?.constraints, [
    { name: 'teams_team_pkey', type: 'primary-key' },
    { name: 'teams_team_slug_key', type: 'unique' },
  ]);
  t.same(schema.relations.get('teams_team_id_seq'), {
    name: 'teams_team_id_seq',
    kind: 'sequence',
    columns: [],
    indexes: [],
    constraints: [],
    createdBy: ref('teams.0001_initial'),
    changedBy: [],
    ownedBy: 'teams_team',
  });
});

t.test('a NOT NULL column added the Django way keeps both statements, and ends without a default', async (t) => {
  const add = 'ALTER TABLE "teams_membership" ADD COLUMN "rank" integer DEFAULT 0 NOT NULL CHECK ("rank" >= 0);';
  const drop = 'ALTER TABLE "teams_membership" ALTER COLUMN "rank" DROP DEFAULT;';
  const schema = await build([...teamsMigrations(), ['teams.0003_membership_rank', ['BEGIN;', '--', '-- Add field rank to membership', '--', add, drop, 'COMMIT;']]]);
  const table = schema.relations.get('teams_membership')!;
  t.same(table.columns.at(-1), { name: 'rank', type: 'integer', notNull: true, default: null, addedBy: ref('teams.0003_membership_rank'), addSql: [add, drop] });
  t.same(table.constraints.at(-1), { name: 'teams_membership_rank_check', type: 'check' }, 'the server-chosen name of the inline check');
  t.same(table.changedBy, [ref('teams.0002_membership_left_at'), ref('teams.0003_membership_rank')]);
});

t.test('a renamed table keeps its identity: foreign keys and its sequence follow', async (t) => {
  const schema = await build([
    ['a.0001', ['CREATE TABLE author (id serial PRIMARY KEY);', 'CREATE TABLE book (id serial PRIMARY KEY, author_id int REFERENCES author);']],
    ['a.0002', ['ALTER TABLE author RENAME TO writer;', 'ALTER TABLE writer RENAME COLUMN id TO writer_id;']],
  ]);
  t.same(schema.relations.get('book')?.constraints, [
    { name: 'book_pkey', type: 'primary-key' },
    { name: 'book_author_id_fkey', type: 'foreign-key', references: { schema: 'public', name: 'writer' } },
  ]);
  const writer = schema.relations.get('writer')!;
  t.equal(writer.createdBy.id, 'a.0001');
  t.same(writer.changedBy, [ref('a.0002')]);
  t.same(writer.indexes, ['author_pkey'], 'the server renames no index with its table');
  t.same(writer.columns[0], { name: 'writer_id', type: 'integer', notNull: true, default: "nextval('author_id_seq'::regclass)", addedBy: ref('a.0001'), addSql: [] });
  t.equal(schema.relations.get('author_id_seq')?.ownedBy, 'writer');
  t.notOk(schema.relations.has('author'));
});

t.test('a rebuild (create new, copy, drop old, rename new) ends as one table created by the rebuild', async (t) => {
  const schema = await build([
    ['s.0001', ['CREATE TABLE "s_item" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(10) NOT NULL);']],
    [
      's.0002',
      [
        'CREATE TABLE "new__s_item" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(50) NOT NULL, "qty" bigint NOT NULL);',
        'INSERT INTO "new__s_item" ("id", "name", "qty") SELECT "id", "name", 0 FROM "s_item";',
        'DROP TABLE "s_item";',
        'ALTER TABLE "new__s_item" RENAME TO "s_item";',
      ],
    ],
  ]);
  t.same([...schema.relations.keys()], ['new__s_item_id_seq', 's_item'], 'the old table and its sequence are gone');
  const item = schema.relations.get('s_item')!;
  t.same(item.createdBy, ref('s.0002'));
  t.same(item.columns.map((c) => [c.name, c.type, c.addedBy.id]), [
    ['id', 'integer', 's.0002'],
    ['name', 'character varying(50)', 's.0002'],
    ['qty', 'bigint', 's.0002'],
  ]);
  t.same(item.indexes, ['new__s_item_pkey']);
});

t.test('types as format_type prints them', async (t) => {
  const schema = await build([
    [
      'x.0001',
      [
        `CREATE TABLE x (a int, b int8, c smallint, d varchar(100), e varchar, f char(3), g char, h numeric(10,2), i numeric(5),
          j decimal, k timestamptz, l timestamp, m timestamp(3) with time zone, n time, o timetz, p boolean, q double precision,
          r real, s float, t text[], u uuid, v jsonb, w bigserial, y smallserial, z interval, aa bytea, ab "char", ac bit(4),
          ad bit varying(8), ae inet, af int[][], ag citext, ah public.mood, ai other.mood);`,
      ],
    ],
  ]);
  t.same(
    schema.relations.get('x')?.columns.map((c) => c.type),
    [
      'integer', 'bigint', 'smallint', 'character varying(100)', 'character varying', 'character(3)', 'character(1)', 'numeric(10,2)',
      'numeric(5,0)', 'numeric', 'timestamp with time zone', 'timestamp without time zone', 'timestamp(3) with time zone',
      'time without time zone', 'time with time zone', 'boolean', 'double precision', 'real', 'double precision', 'text[]', 'uuid',
      'jsonb', 'bigint', 'smallint', 'interval', 'bytea', '"char"', 'bit(4)', 'bit varying(8)', 'inet', 'integer[]', 'citext',
      'mood',
      'other.mood',
    ],
    'a type of the target schema unqualified, as format_type prints it with the target on the search_path',
  );
});

t.test('implicit names: table checks, composite keys, clashes, 63-byte truncation, identity sequences', async (t) => {
  const long = 'a_table_name_that_is_long_enough_to_be_truncated_by_the_server';
  const schema = await build([
    [
      'n.0001',
      [
        'CREATE TABLE t (a int, b int, c int GENERATED ALWAYS AS IDENTITY, CHECK (a > b), CHECK (a > 0), UNIQUE (a, b), EXCLUDE USING btree (b WITH =));',
        'ALTER TABLE t ADD UNIQUE (a, b), ADD CHECK (a > 0);',
        `CREATE TABLE ${long} (some_long_column_name int UNIQUE);`,
        'CREATE INDEX ON t (a, (b + 1));',
      ],
    ],
  ]);
  t.same(schema.unfollowed, []);
  const table = schema.relations.get('t')!;
  t.same(table.constraints.map((c) => c.name), ['t_check', 't_a_check', 't_a_b_key', 't_b_excl', 't_a_check1', 't_a_b_key1']);
  t.same(table.indexes, ['t_a_b_key', 't_b_excl', 't_a_b_key1', 't_a_expr_idx']);
  t.equal(schema.relations.get('t_c_seq')?.ownedBy, 't');
  t.same(table.columns[2], { name: 'c', type: 'integer', notNull: true, default: null, addedBy: ref('n.0001'), addSql: [] });
  const key = makeObjectName(long, 'some_long_column_name', 'key');
  t.equal(Buffer.byteLength(key), 63);
  t.same(schema.relations.get(long)?.indexes, [key]);
  t.equal(key, 'a_table_name_that_is_long_enough_to_b_some_long_column_name_key'); // as PostgreSQL 18 names it
});

t.test('statements outside the target are counted, harmless ones skipped, the rest listed with a reason', async (t) => {
  const schema = await build([
    [
      'u.0001',
      [
        'BEGIN;',
        'CREATE TABLE other.t (id int);',
        'CREATE INDEX ON other.t (id);',
        'SET search_path = public;',
        "SELECT set_config('x', 'y', false);",
        'GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;',
        'CREATE TABLE p (id int) PARTITION BY LIST (id);',
        'CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);',
        'DO $$ BEGIN EXECUTE \'CREATE TABLE hidden (id int)\'; END $$;',
        'CREATE TABLE broken (id int',
        'ALTER TABLE nowhere ADD COLUMN x int;',
        'COMMIT;',
      ],
    ],
  ]);
  t.equal(schema.otherSchemaStatements, 2);
  t.same([...schema.relations.keys()], ['p']);
  t.equal(schema.relations.get('p')?.kind, 'partitioned-table');
  t.same(
    schema.unfollowed.map((u) => [u.statement, u.reason]),
    [
      ['CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);', 'PARTITION OF: the partition inherits columns and indexes the model does not copy'],
      ["DO $$ BEGIN EXECUTE 'CREATE TABLE hidden (id int)'; END $$;", 'DoStmt is not followed by the model'],
      ['CREATE TABLE broken (id int', 'does not parse: syntax error at end of input'],
      ['ALTER TABLE nowhere ADD COLUMN x int;', '"nowhere" was not created by any replayed statement'],
    ],
  );
});

t.test('SET SCHEMA out of the target removes the table; foreign keys to it now point there', async (t) => {
  const schema = await build([
    ['m.0001', ['CREATE TABLE a (id serial PRIMARY KEY);', 'CREATE TABLE b (a_id int REFERENCES a);', 'ALTER TABLE a SET SCHEMA test_schema;']],
  ]);
  t.same([...schema.relations.keys()], ['b']);
  t.same(schema.relations.get('b')?.constraints, [{ name: 'b_a_id_fkey', type: 'foreign-key', references: { schema: 'test_schema', name: 'a' } }]);
});

t.test("nextval('…') of a known sequence is the sequence's default: Django 3.2 turning a column into an AutoField", async (t) => {
  const schema = await build([
    ['d.0001', ['CREATE TABLE "d_tag" ("id" integer NOT NULL PRIMARY KEY);']],
    [
      'd.0002',
      [
        'CREATE SEQUENCE "d_tag_id_seq";',
        `ALTER TABLE "d_tag" ALTER COLUMN "id" SET DEFAULT nextval('"d_tag_id_seq"');`,
        `SELECT setval('"d_tag_id_seq"', MAX("id")) FROM "d_tag";`,
        'ALTER SEQUENCE "d_tag_id_seq" OWNED BY "d_tag"."id";',
        'SET CONSTRAINTS ALL IMMEDIATE;',
        'ALTER SEQUENCE "d_tag_id_seq" RENAME TO "d_tag_seq";',
        `ALTER TABLE d_tag ADD COLUMN n int DEFAULT nextval('public.d_tag_seq'::regclass), ADD COLUMN m int DEFAULT nextval('other.s');`,
      ],
    ],
  ]);
  t.same(schema.unfollowed, []);
  t.same(
    schema.relations.get('d_tag')?.columns.map((c) => c.default),
    ["nextval('d_tag_seq'::regclass)", "nextval('d_tag_seq'::regclass)", "nextval('other.s')"],
    "printed with the sequence's final name, as the catalog prints it; a sequence outside the model as written",
  );
  t.equal(schema.relations.get('d_tag_seq')?.ownedBy, 'd_tag');
});

t.test('SET search_path away from the target is reported; other SETs and "$user" are not', async (t) => {
  const schema = await build([
    ['p.0001', ['SET search_path TO "$user", public;', 'SET statement_timeout = 0;', 'SET search_path TO test_schema, public;', 'CREATE TABLE drifted (id int);']],
  ]);
  t.same(schema.unfollowed, [
    {
      migration: ref('p.0001'),
      statement: 'SET search_path TO test_schema, public;',
      reason: 'search_path set to test_schema: later unqualified names are still modelled in public',
    },
  ]);
  t.ok(schema.relations.has('drifted'));
});

t.test('normalizeType drops the target qualifier format_type adds when the target is off the search_path', async (t) => {
  t.equal(normalizeType('public.mood', 'public'), 'mood');
  t.equal(normalizeType('"My Schema".mood[]', 'My Schema'), 'mood[]');
  t.equal(normalizeType('other.mood', 'public'), 'other.mood');
  t.equal(normalizeType('character varying(100)', 'public'), 'character varying(100)');
});

t.test('regclassName reads the name in a regclass literal, and nothing else', async (t) => {
  t.same(regclassName('t_id_seq'), ['t_id_seq']);
  t.same(regclassName('Public.T_ID_SEQ'), ['public', 't_id_seq']);
  t.same(regclassName('"My ""seq"""'), ['My "seq"']);
  t.same(regclassName('"a".b'), ['a', 'b']);
  for (const bad of ['', 'a b', '"open', 'a.', 'x;drop']) t.equal(regclassName(bad), null, bad);
});

t.test('a statement the model cannot follow changes nothing, even after parts it could', async (t) => {
  const schema = await build([
    [
      'g.0001',
      [
        'CREATE TABLE kept (id serial PRIMARY KEY, a int);',
        'CREATE TABLE gen (id serial PRIMARY KEY, doubled int GENERATED ALWAYS AS (id * 2) STORED);',
        'ALTER TABLE kept ADD COLUMN b int, ADD COLUMN c int GENERATED ALWAYS AS (a + 1) STORED;',
        'ALTER TABLE kept ADD COLUMN d int, INHERIT other;',
        'ALTER FUNCTION f() SET SCHEMA public;',
        'CREATE TABLE kept (id serial);',
        'CREATE TABLE twice (id serial, id int);',
      ],
    ],
  ]);
  t.same([...schema.relations.keys()], ['kept', 'kept_id_seq'], 'no gen_id_seq, kept_id_seq1 or twice_id_seq left behind');
  t.same(schema.relations.get('kept')?.columns.map((c) => c.name), ['id', 'a']);
  t.same(
    schema.unfollowed.map((u) => u.reason),
    ['generated column "doubled" is not modelled', 'generated column "c" is not modelled', 'ALTER … AddInherit is not modelled', 'SET SCHEMA of FUNCTION is not modelled', 'a relation named "kept" already exists', 'column "id" is defined twice'],
  );
});

t.test('several statements in one entry (RunSQL): each keeps its own text, byte offsets past non-ASCII names included', async (t) => {
  const entry = [
    '-- RunSQL',
    'CREATE TABLE "café" (id int); -- the table',
    'ALTER TABLE "café" ADD COLUMN "größe" int DEFAULT 1 NOT NULL;',
    '/* then */ ALTER TABLE "café" ALTER COLUMN "größe" DROP DEFAULT',
  ].join('\n');
  const schema = await build([['r.0001', ['CREATE TABLE other_table (id int);']], ['r.0002', [entry]]]);
  t.same(schema.unfollowed, []);
  t.same(schema.relations.get('café')?.columns.map((c) => c.addSql), [
    [],
    // Comments before a statement are not part of it.
    ['ALTER TABLE "café" ADD COLUMN "größe" int DEFAULT 1 NOT NULL;', 'ALTER TABLE "café" ALTER COLUMN "größe" DROP DEFAULT;'],
  ]);
  t.equal(schema.statementCount, 4);
});
