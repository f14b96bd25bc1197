/** The planner's rules, on hand-built catalog answers (it is pure: no database needed here). */
import t from 'tap';
import type { Finding, MissingColumnFinding, MissingRelationFinding } from '../../src/diagnose/types.js';
import type { CatalogRelation, ColumnInfo, ColumnLocation, RelationLocation } from '../../src/db/types.js';
import { planRepairs } from '../../src/repair/plan.js';
import type { PlanItem } from '../../src/repair/types.js';
import { collected, locationsFor } from '../helpers/collected.js';

const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema', 'old'] };

function missing(name: string, schema?: string): MissingRelationFinding {
  return { kind: 'missing-relation', name, schema, message: `relation "${schema ? schema + '.' : ''}${name}" does not exist`, language: 'en' };
}

let nextOid = 16384;
function rel(schema: string, name: string, extra: Partial<CatalogRelation> = {}): CatalogRelation {
  return { oid: nextOid++, schema, name, kind: 'table', rowEstimate: 3, isPartition: false, ...extra };
}

function located(name: string, where: Partial<Omit<RelationLocation, 'name'>>): RelationLocation {
  return { name, inTarget: null, inSources: [], elsewhere: [], ...where };
}

function plan(findings: Finding[], relations: RelationLocation[], columns: ColumnLocation[] = [], scope = schemas): PlanItem[] {
  const all = findings.map((f) => collected(f));
  return planRepairs({ findings: all, ...locationsFor(all, { relations, columns }), ...scope });
}

function refusalOf(items: PlanItem[]) {
  const item = items[0];
  if (item?.type !== 'refusal') throw new Error(`expected a refusal, got ${JSON.stringify(item)}`);
  return item.refusal;
}

function actionOf(items: PlanItem[]) {
  const item = items[0];
  if (item?.type !== 'action') throw new Error(`expected an action, got ${JSON.stringify(item)}`);
  return item.action;
}

t.test('a table in exactly one source schema is moved', async (t) => {
  const table = rel('test_schema', 'user_profile_about_item');
  const action = actionOf(plan([missing('user_profile_about_item')], [located('user_profile_about_item', { inSources: [table] })]));
  t.equal(action.kind, 'move-relation');
  t.equal(action.sql, 'ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";');
  t.equal(action.rollbackSql, 'ALTER TABLE "public"."user_profile_about_item" SET SCHEMA "test_schema";');
});

t.test('a partitioned table is moved with its partitions', async (t) => {
  const parent = rel('test_schema', 'events', {
    kind: 'partitioned-table',
    partitions: [rel('test_schema', 'events_a', { isPartition: true }), rel('test_schema', 'events_b', { isPartition: true })],
  });
  const action = actionOf(plan([missing('events')], [located('events', { inSources: [parent] })]));
  t.equal(
    action.sql,
    'ALTER TABLE "test_schema"."events" SET SCHEMA "public";\nALTER TABLE "test_schema"."events_a" SET SCHEMA "public";\nALTER TABLE "test_schema"."events_b" SET SCHEMA "public";',
  );
  t.same(action.kind === 'move-relation' && action.partitions?.map((p) => p.name), ['events_a', 'events_b']);
});

t.test('refusals carry a reason and a sentence naming what was found', async (t) => {
  const notFound = refusalOf(plan([missing('nope')], [located('nope', {})]));
  t.equal(notFound.reason, 'not-found');
  t.match(notFound.detail, /No relation named "nope" exists in any schema/);

  const ambiguous = refusalOf(plan([missing('t')], [located('t', { inSources: [rel('test_schema', 't'), rel('old', 't')] })]));
  t.equal(ambiguous.reason, 'ambiguous');
  t.match(ambiguous.detail, /"test_schema" and "old"/);

  const present = refusalOf(plan([missing('t')], [located('t', { inTarget: rel('public', 't'), inSources: [rel('test_schema', 't')] })]));
  t.equal(present.reason, 'already-in-target');
  t.match(present.detail, /"public"."t" \(table\) already exists/);

  const outside = refusalOf(plan([missing('t')], [located('t', { elsewhere: [rel('archive', 't')] })]));
  t.equal(outside.reason, 'outside-source-schemas');
  t.match(outside.detail, /only in "archive".*add it to sourceSchemas/);

  const system = refusalOf(plan([missing('pg_class')], [located('pg_class', { elsewhere: [rel('pg_catalog', 'pg_class')] })]));
  t.equal(system.reason, 'system-schema');
  t.match(system.detail, /"pg_catalog"/);

  const toast = refusalOf(plan([missing('pg_toast_1')], [located('pg_toast_1', { elsewhere: [rel('pg_toast', 'pg_toast_1', { kind: 'toast' })] })]));
  t.equal(toast.reason, 'system-schema');
});

t.test('kinds that never move on their own are refused', async (t) => {
  const index = refusalOf(plan([missing('t_pkey')], [located('t_pkey', { inSources: [rel('test_schema', 't_pkey', { kind: 'index' })] })]));
  t.equal(index.reason, 'unsupported-kind');
  const partition = refusalOf(
    plan([missing('events_a')], [located('events_a', { inSources: [rel('test_schema', 'events_a', { isPartition: true, partitionOf: { schema: 'test_schema', name: 'events' } })] })]),
  );
  t.equal(partition.reason, 'unsupported-kind');
  t.match(partition.detail, /partition of "test_schema"."events"/);
  const owned = refusalOf(
    plan([missing('t_id_seq')], [located('t_id_seq', { inSources: [rel('test_schema', 't_id_seq', { kind: 'sequence', ownedBy: { schema: 'test_schema', name: 't' } })] })]),
  );
  t.equal(owned.reason, 'unsupported-kind');
  t.match(owned.detail, /moves with its table/);
});

t.test('a finding naming another schema than the target is refused, whatever the catalog says', async (t) => {
  const where = located('t', { inSources: [rel('test_schema', 't')] });
  const other = refusalOf(plan([missing('t', 'test_schema')], [where]));
  t.equal(other.reason, 'outside-source-schemas');
  t.match(other.detail, /schema "test_schema", not in the target schema "public"/);
  t.equal(refusalOf(plan([missing('t', 'pg_catalog')], [where])).reason, 'system-schema');
  t.equal(actionOf(plan([missing('t', 'public')], [where])).kind, 'move-relation', 'naming the target itself is fine');
});

t.test('two findings for one relation make one action that answers both', async (t) => {
  const where = located('t', { inSources: [rel('test_schema', 't')] });
  const items = plan([missing('t'), missing('t', 'public')], [where]);
  t.equal(items.length, 1);
  const action = actionOf(items);
  t.same(action.findings.map((f) => f.finding.message), ['relation "t" does not exist', 'relation "public.t" does not exist']);
});

// ---- columns

function colFinding(column: string, table?: string): MissingColumnFinding {
  return { kind: 'missing-column', column, table, message: `column ${table ? table + '.' : ''}${column} does not exist`, language: 'en' };
}

function col(name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, type: 'timestamp with time zone', notNull: false, default: null, defaultIsConstant: false, ...extra };
}

function colLoc(extra: Partial<ColumnLocation>): ColumnLocation {
  return { column: 'left_at', table: 'teams_membership', candidates: [], presentInTarget: false, targetTableExists: true, sourceCopies: [], ...extra };
}

t.test('a nullable column from the one source copy is added', async (t) => {
  const action = actionOf(plan([colFinding('left_at', 'teams_membership')], [], [colLoc({ sourceCopies: [{ schema: 'test_schema', column: col('left_at') }] })]));
  t.equal(action.kind, 'add-column');
  t.equal(action.sql, 'ALTER TABLE "public"."teams_membership" ADD COLUMN "left_at" timestamp with time zone;');
  t.equal(action.rollbackSql, 'ALTER TABLE "public"."teams_membership" DROP COLUMN "left_at";');
});

t.test('NOT NULL with a constant default is safe; without one it is left to a person with the SQL', async (t) => {
  const safe = col('role', { type: 'text', notNull: true, default: "'member'::text", defaultIsConstant: true });
  const ok = actionOf(plan([colFinding('role', 'teams_membership')], [], [colLoc({ column: 'role', sourceCopies: [{ schema: 'test_schema', column: safe }] })]));
  t.equal(ok.sql, `ALTER TABLE "public"."teams_membership" ADD COLUMN "role" text DEFAULT 'member'::text NOT NULL;`);

  const unsafe = col('role', { type: 'text', notNull: true });
  const refused = refusalOf(plan([colFinding('role', 'teams_membership')], [], [colLoc({ column: 'role', sourceCopies: [{ schema: 'test_schema', column: unsafe }] })]));
  t.equal(refused.reason, 'unsafe-column');
  t.match(refused.detail, /NOT NULL without a default/);
  t.match(refused.detail, /the row count of "public"."teams_membership" was not read/, 'says what it does not know');
  t.match(refused.suggestedSql, /ADD COLUMN "role" text;\nUPDATE .*\nALTER TABLE "public"."teams_membership" ALTER COLUMN "role" SET NOT NULL;/);

  const volatile = col('at', { default: 'now()' });
  const refusedNow = refusalOf(plan([colFinding('at', 'teams_membership')], [], [colLoc({ column: 'at', sourceCopies: [{ schema: 'test_schema', column: volatile }] })]));
  t.equal(refusedNow.reason, 'unsafe-column');
  t.match(refusedNow.detail, /non-constant default \(now\(\)\)/);
});

t.test('column refusals: present, no copy, two copies, no table, several candidates', async (t) => {
  const f = colFinding('left_at', 'teams_membership');
  t.equal(refusalOf(plan([f], [], [colLoc({ presentInTarget: true })])).reason, 'column-present');
  t.equal(refusalOf(plan([f], [], [colLoc({})])).reason, 'no-source-copy');
  t.equal(refusalOf(plan([f], [], [colLoc({ targetTableExists: false, sourceCopies: [{ schema: 'test_schema', column: col('left_at') }] })])).reason, 'not-found');
  const two = refusalOf(
    plan([f], [], [colLoc({ sourceCopies: [{ schema: 'test_schema', column: col('left_at') }, { schema: 'old', column: col('left_at') }] })]),
  );
  t.equal(two.reason, 'ambiguous');
  const several = refusalOf(plan([colFinding('left_at')], [], [colLoc({ table: null, candidates: ['a', 'b'] })]));
  t.equal(several.reason, 'ambiguous');
  t.match(several.detail, /"a", "b"/);
  t.equal(refusalOf(plan([colFinding('left_at')], [], [])).reason, 'not-found');
});

t.test('the planner never emits DROP or TRUNCATE in SQL it would run', async (t) => {
  const items = plan(
    [missing('a'), missing('b'), colFinding('left_at', 'teams_membership')],
    [located('a', { inSources: [rel('test_schema', 'a')] }), located('b', { inSources: [rel('test_schema', 'b', { kind: 'view' })] })],
    [colLoc({ sourceCopies: [{ schema: 'test_schema', column: col('left_at') }] })],
  );
  t.equal(items.filter((i) => i.type === 'action').length, 3);
  for (const item of items) if (item.type === 'action') t.notMatch(item.action.sql, /\b(DROP|TRUNCATE)\b/i);
});

t.test('nothing is ever moved into a system schema, whatever the settings say', async (t) => {
  const items = plan([missing('zz')], [located('zz', { inSources: [rel('test_schema', 'zz')] })], [], { targetSchema: 'pg_catalog', sourceSchemas: ['test_schema'] });
  t.match(refusalOf(items), { reason: 'system-schema', detail: /target schema "pg_catalog" is a system schema/ });
});
