/** The routine/type/extension SQL builders, by exact string, each with its inverse. */
import t from 'tap';
import {
  extensionResolvesSql,
  moveObjectRollbackSql,
  moveObjectSql,
  recreateExtensionSql,
  routineResolvesSql,
  typeResolvesSql,
} from '../../src/repair/object-sql.js';

const sides = { fromSchema: 'test_schema', toSchema: 'public' };

t.test('routines: ALTER FUNCTION/PROCEDURE/AGGREGATE with the identity arguments', async (t) => {
  const f = { ...sides, kind: 'function' as const, name: 'total', identityArgs: 'qty integer, label character varying' };
  t.equal(moveObjectSql(f), 'ALTER FUNCTION "test_schema"."total"(qty integer, label character varying) SET SCHEMA "public";');
  t.equal(moveObjectRollbackSql(f), 'ALTER FUNCTION "public"."total"(qty integer, label character varying) SET SCHEMA "test_schema";');
  t.equal(moveObjectSql({ ...sides, kind: 'function', name: 'uuid_generate_v4', identityArgs: '' }), 'ALTER FUNCTION "test_schema"."uuid_generate_v4"() SET SCHEMA "public";');
  t.equal(moveObjectSql({ ...sides, kind: 'procedure', name: 'archive', identityArgs: 'IN days integer' }), 'ALTER PROCEDURE "test_schema"."archive"(IN days integer) SET SCHEMA "public";');
  t.equal(moveObjectSql({ ...sides, kind: 'aggregate', name: 'median', identityArgs: 'numeric' }), 'ALTER AGGREGATE "test_schema"."median"(numeric) SET SCHEMA "public";');
  t.equal(moveObjectSql({ ...sides, kind: 'aggregate', name: 'tally', identityArgs: '' }), 'ALTER AGGREGATE "test_schema"."tally"(*) SET SCHEMA "public";', 'no arguments: (*)');
  t.equal(moveObjectSql({ ...sides, kind: 'function', name: 'Odd"Name', identityArgs: '' }), 'ALTER FUNCTION "test_schema"."Odd""Name"() SET SCHEMA "public";');
});

t.test('types, domains and extensions', async (t) => {
  t.equal(moveObjectSql({ ...sides, kind: 'type', name: 'mood' }), 'ALTER TYPE "test_schema"."mood" SET SCHEMA "public";');
  t.equal(moveObjectRollbackSql({ ...sides, kind: 'type', name: 'mood' }), 'ALTER TYPE "public"."mood" SET SCHEMA "test_schema";');
  t.equal(moveObjectSql({ ...sides, kind: 'domain', name: 'email' }), 'ALTER DOMAIN "test_schema"."email" SET SCHEMA "public";');
  t.equal(moveObjectSql({ ...sides, kind: 'extension', name: 'uuid-ossp' }), 'ALTER EXTENSION "uuid-ossp" SET SCHEMA "public";');
  t.equal(moveObjectRollbackSql({ ...sides, kind: 'extension', name: 'uuid-ossp' }), 'ALTER EXTENSION "uuid-ossp" SET SCHEMA "test_schema";');
  t.equal(
    recreateExtensionSql({ name: 'plpython3u', toSchema: 'public' }),
    '-- "plpython3u" is not relocatable. DROP EXTENSION fails while objects use it (CASCADE would drop them): review first.\n' +
      'DROP EXTENSION "plpython3u";\nCREATE EXTENSION "plpython3u" SCHEMA "public";',
  );
});

t.test('verification resolves the name in the target to the same object', async (t) => {
  t.equal(
    routineResolvesSql({ schema: 'public', name: 'total', argTypes: 'integer, character varying', oid: 16500 }),
    `SELECT to_regprocedure('"public"."total"(integer, character varying)') IS NOT DISTINCT FROM 16500::regprocedure AS resolves`,
  );
  t.equal(typeResolvesSql({ schema: 'public', name: "it's", oid: 16600 }), `SELECT to_regtype('"public"."it''s"') IS NOT DISTINCT FROM 16600::regtype AS resolves`);
  t.equal(
    extensionResolvesSql({ name: 'uuid-ossp', schema: 'public' }),
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'uuid-ossp' AND n.nspname = 'public') AS resolves`,
  );
  t.throws(() => typeResolvesSql({ schema: 'public', name: 'x', oid: 0 }), RangeError);
});
