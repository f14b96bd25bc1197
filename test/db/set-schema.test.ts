/** The move builders and their inverses, tested by exact string (node-pg-migrate style). */
import t from 'tap';
import { moveRollbackSql, moveSql } from '../../src/db/set-schema.js';

t.test('a move uses the ALTER statement of its kind', async (t) => {
  const base = { name: 'user_profile_about_item', fromSchema: 'test_schema', toSchema: 'public' };
  t.equal(moveSql({ ...base, kind: 'table' }), 'ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";');
  t.equal(moveSql({ ...base, kind: 'foreign-table' }), 'ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";');
  t.equal(moveSql({ ...base, kind: 'view' }), 'ALTER VIEW "test_schema"."user_profile_about_item" SET SCHEMA "public";');
  t.equal(
    moveSql({ ...base, kind: 'materialized-view' }),
    'ALTER MATERIALIZED VIEW "test_schema"."user_profile_about_item" SET SCHEMA "public";',
  );
  t.equal(moveSql({ ...base, kind: 'sequence' }), 'ALTER SEQUENCE "test_schema"."user_profile_about_item" SET SCHEMA "public";');
});

t.test('the rollback moves it back to the source schema', async (t) => {
  t.equal(
    moveRollbackSql({ kind: 'view', name: 'v', fromSchema: 'test_schema', toSchema: 'public' }),
    'ALTER VIEW "public"."v" SET SCHEMA "test_schema";',
  );
});

t.test('a partitioned table moves with its partitions; the rollback undoes them in reverse', async (t) => {
  const input = { kind: 'partitioned-table' as const, name: 'events', fromSchema: 'test_schema', toSchema: 'public', partitions: ['events_2024', 'events_2025'] };
  t.equal(
    moveSql(input),
    'ALTER TABLE "test_schema"."events" SET SCHEMA "public";\n' +
      'ALTER TABLE "test_schema"."events_2024" SET SCHEMA "public";\n' +
      'ALTER TABLE "test_schema"."events_2025" SET SCHEMA "public";',
  );
  t.equal(
    moveRollbackSql(input),
    'ALTER TABLE "public"."events_2025" SET SCHEMA "test_schema";\n' +
      'ALTER TABLE "public"."events_2024" SET SCHEMA "test_schema";\n' +
      'ALTER TABLE "public"."events" SET SCHEMA "test_schema";',
  );
});

t.test('names with quotes and capitals are quoted as identifiers, never spliced raw', async (t) => {
  t.equal(
    moveSql({ kind: 'table', name: 'x"; DROP TABLE users; --', fromSchema: 'My Schema', toSchema: 'public' }),
    'ALTER TABLE "My Schema"."x""; DROP TABLE users; --" SET SCHEMA "public";',
  );
});
