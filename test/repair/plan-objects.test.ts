/** The planner's rules for routines, types and extensions, on hand-built catalog answers. */
import t from 'tap';
import type { MissingFunctionFinding, MissingTypeFinding, ObjectFinding } from '../../src/diagnose/types.js';
import type { CatalogRoutine, CatalogType, CatalogObject, OwningExtension } from '../../src/db/locate-objects.js';
import { planRepairs } from '../../src/repair/plan.js';
import type { ExpectedSchema } from '../../src/history/types.js';
import type { PlanItem } from '../../src/repair/types.js';
import { collected, locationsFor } from '../helpers/collected.js';

const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema', 'old'] };
let nextOid = 20000;

function call(name: string, args: string, schema?: string): MissingFunctionFinding {
  return { kind: 'missing-function', name, args, routine: 'function', schema, message: `function ${name}(${args}) does not exist`, language: 'en' };
}
function typeFinding(name: string, schema?: string): MissingTypeFinding {
  return { kind: 'missing-type', name, schema, message: `type "${name}" does not exist`, language: 'en' };
}
function routine(schema: string, name: string, argTypes: string, extra: Partial<CatalogRoutine> = {}): CatalogRoutine {
  return { type: 'routine', oid: nextOid++, schema, name, kind: 'function', identityArgs: argTypes, argTypes, extension: null, ...extra };
}
function type(schema: string, name: string, kind: CatalogType['kind'] = 'enum', extension: OwningExtension | null = null): CatalogType {
  return { type: 'type', oid: nextOid++, schema, name, kind, extension };
}
function plan(pairs: Array<[ObjectFinding, CatalogObject[]]>, extra: { expected?: ExpectedSchema } = {}): PlanItem[] {
  const findings = pairs.map(([f]) => collected(f));
  return planRepairs({ findings, ...locationsFor(findings, { objects: pairs.map(([, found]) => found) }), ...schemas, ...extra });
}
function only(items: PlanItem[]) {
  if (items.length !== 1) throw new Error(`expected one item, got ${JSON.stringify(items)}`);
  return items[0]!;
}
function refusalOf(items: PlanItem[]) {
  const item = only(items);
  if (item.type !== 'refusal') throw new Error(`expected a refusal, got ${JSON.stringify(item)}`);
  return item.refusal;
}
function actionOf(items: PlanItem[]) {
  const item = only(items);
  if (item.type !== 'action') throw new Error(`expected an action, got ${JSON.stringify(item)}`);
  return item.action;
}

t.test('a function in exactly one source schema with the identical signature is moved', async (t) => {
  const f = routine('test_schema', 'total', 'integer, character varying', { identityArgs: 'qty integer, label character varying' });
  const action = actionOf(plan([[call('total', 'integer, character varying'), [f, routine('test_schema', 'total', 'text')]]]));
  t.equal(action.sql, 'ALTER FUNCTION "test_schema"."total"(qty integer, label character varying) SET SCHEMA "public";');
  t.equal(action.rollbackSql, 'ALTER FUNCTION "public"."total"(qty integer, label character varying) SET SCHEMA "test_schema";');
});

t.test('procedures and aggregates use their own ALTER', async (t) => {
  t.equal(actionOf(plan([[call('archive', 'integer'), [routine('test_schema', 'archive', 'integer', { kind: 'procedure' })]]])).sql, 'ALTER PROCEDURE "test_schema"."archive"(integer) SET SCHEMA "public";');
  t.equal(actionOf(plan([[call('median', 'numeric'), [routine('old', 'median', 'numeric', { kind: 'aggregate' })]]])).sql, 'ALTER AGGREGATE "old"."median"(numeric) SET SCHEMA "public";');
});

t.test('an untyped argument matches only when the name has a single routine', async (t) => {
  t.equal(actionOf(plan([[call('slug', 'unknown'), [routine('test_schema', 'slug', 'text')]]])).sql, 'ALTER FUNCTION "test_schema"."slug"(text) SET SCHEMA "public";');
  const two = refusalOf(plan([[call('pick', 'unknown'), [routine('test_schema', 'pick', 'integer'), routine('test_schema', 'pick', 'text')]]]));
  t.equal(two.reason, 'ambiguous');
  t.match(two.detail, /function test_schema\.pick\(integer\) or function test_schema\.pick\(text\)/);
});

t.test('refusals: other signature, two schemas, already in target, system schema, not found', async (t) => {
  t.equal(refusalOf(plan([[call('total', 'bigint'), [routine('test_schema', 'total', 'integer')]]])).reason, 'signature-mismatch');
  t.equal(refusalOf(plan([[call('total', 'integer'), [routine('test_schema', 'total', 'integer'), routine('old', 'total', 'integer')]]])).reason, 'ambiguous');
  t.equal(refusalOf(plan([[call('total', 'integer'), [routine('public', 'total', 'integer'), routine('test_schema', 'total', 'integer')]]])).reason, 'already-in-target');
  // The same name with other argument types in the target does not stop the move.
  t.equal(actionOf(plan([[call('total', 'integer'), [routine('public', 'total', 'text'), routine('test_schema', 'total', 'integer')]]])).kind, 'move-object');
  t.equal(refusalOf(plan([[call('now', ''), [routine('pg_catalog', 'now', '')]]])).reason, 'system-schema');
  t.equal(refusalOf(plan([[call('total', 'integer'), [routine('archive', 'total', 'integer')]]])).reason, 'outside-source-schemas');
  t.equal(refusalOf(plan([[call('x; DROP TABLE users', ''), []]])).reason, 'not-found');
  t.equal(refusalOf(plan([[call('total', 'integer', 'test_schema'), [routine('test_schema', 'total', 'integer')]]])).reason, 'outside-source-schemas', 'the error names another schema');
});

t.test('types: enums, domains and composite types move; a base type does not', async (t) => {
  t.equal(actionOf(plan([[typeFinding('mood'), [type('test_schema', 'mood')]]])).sql, 'ALTER TYPE "test_schema"."mood" SET SCHEMA "public";');
  t.equal(actionOf(plan([[typeFinding('email'), [type('test_schema', 'email', 'domain')]]])).sql, 'ALTER DOMAIN "test_schema"."email" SET SCHEMA "public";');
  t.equal(actionOf(plan([[typeFinding('pair'), [type('test_schema', 'pair', 'composite')]]])).sql, 'ALTER TYPE "test_schema"."pair" SET SCHEMA "public";');
  t.equal(refusalOf(plan([[typeFinding('blob'), [type('test_schema', 'blob', 'base')]]])).reason, 'unsupported-kind');
  t.equal(refusalOf(plan([[typeFinding('mood'), [type('public', 'mood'), type('test_schema', 'mood')]]])).reason, 'already-in-target');
  t.equal(refusalOf(plan([[typeFinding('mood'), [type('test_schema', 'mood'), type('old', 'mood')]]])).reason, 'ambiguous');
});

t.test('extension members move with their extension, when it is relocatable', async (t) => {
  const ossp = { name: 'uuid-ossp', schema: 'test_schema', relocatable: true };
  const items = plan([
    [call('uuid_generate_v4', ''), [routine('test_schema', 'uuid_generate_v4', '', { extension: ossp })]],
    [call('uuid_generate_v1', ''), [routine('test_schema', 'uuid_generate_v1', '', { extension: ossp })]],
  ]);
  const action = actionOf(items);
  t.equal(action.sql, 'ALTER EXTENSION "uuid-ossp" SET SCHEMA "public";', 'two calls, one move');
  t.equal(action.rollbackSql, 'ALTER EXTENSION "uuid-ossp" SET SCHEMA "test_schema";');
  t.equal(action.findings?.length, 2);
  const fixed = refusalOf(plan([[typeFinding('citext'), [type('test_schema', 'citext', 'base', { name: 'citext', schema: 'test_schema', relocatable: false })]]]));
  t.equal(fixed.reason, 'not-relocatable');
  t.equal(fixed.suggestedSql, '-- "citext" is not relocatable. DROP EXTENSION fails while objects use it (CASCADE would drop them): review first.\nDROP EXTENSION "citext";\nCREATE EXTENSION "citext" SCHEMA "public";');
});

t.test('with a history, kinds its expected schema does not model are refused, not guessed', async (t) => {
  const expected: ExpectedSchema = { schema: 'public', relations: new Map(), unfollowed: [], migrationCount: 1, statementCount: 1 };
  const refusal = refusalOf(plan([[call('total', 'integer'), [routine('test_schema', 'total', 'integer')]]], { expected }));
  t.equal(refusal.reason, 'not-modelled');
  t.match(refusal.detail, /models tables, views and sequences, not functions/);
});
