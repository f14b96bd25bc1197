/** Repair on proof: the planner with an expected schema (pure, hand-built catalog answers). */
import t from 'tap';
import type { Finding, MissingColumnFinding, MissingRelationFinding } from '../../src/diagnose/types.js';
import type { CatalogRelation, ColumnLocation, RelationLocation } from '../../src/db/types.js';
import { replayColumnAdd } from '../../src/history/justify.js';
import { planRepairs } from '../../src/repair/plan.js';
import type { PlanItem } from '../../src/repair/types.js';
import type { ExpectedSchema } from '../../src/history/types.js';
import { column, SHOP, SHOP_ITEM } from './expected-fixture.js';
import { collected, locationsFor } from '../helpers/collected.js';

const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema'] };
const missing = (name: string): MissingRelationFinding => ({ kind: 'missing-relation', name, message: `relation "${name}" does not exist`, language: 'en' });
const missingColumn = (table: string, col: string): MissingColumnFinding => ({
  kind: 'missing-column', table, column: col, message: `column ${table}.${col} does not exist`, language: 'en',
});
const rel = (schema: string, name: string, oid: number): CatalogRelation => ({ oid, schema, name, kind: 'table', rowEstimate: 3, isPartition: false });
const inSource = (name: string, oid: number): RelationLocation => ({ name, inTarget: null, inSources: [rel('test_schema', name, oid)], elsewhere: [] });

function plan(findings: Finding[], answers: { relations?: RelationLocation[]; columns?: ColumnLocation[] }, expected?: ExpectedSchema): PlanItem[] {
  const all = findings.map((f) => collected(f));
  return planRepairs({ findings: all, ...locationsFor(all, answers), ...schemas, expected });
}

function simplify(items: PlanItem[]) {
  return items.map((i) => (i.type === 'action' ? { sql: i.action.sql } : { reason: i.refusal.reason, detail: i.refusal.detail, suggestedSql: i.refusal.suggestedSql }));
}

t.test('with history, only what a migration created is moved; a decoy named by an error is refused', async (t) => {
  const findings = [missing('shop_item'), missing('decoy')];
  const relations = [inSource('shop_item', 1), inSource('decoy', 2)];
  t.same(simplify(plan(findings, { relations }, SHOP)), [
    { sql: 'ALTER TABLE "test_schema"."shop_item" SET SCHEMA "public";' },
    {
      reason: 'not-in-history',
      detail: '"decoy" was not created by any applied migration of this project, so nothing was moved; if the app needs it, the migration that creates it has not been applied.',
      suggestedSql: undefined,
    },
  ]);
  t.same(
    simplify(plan(findings, { relations })).map((x) => x.sql),
    ['ALTER TABLE "test_schema"."shop_item" SET SCHEMA "public";', 'ALTER TABLE "test_schema"."decoy" SET SCHEMA "public";'],
    'without history the decoy would be moved (what the refusal prevents)',
  );
});

t.test('a missing column no stale copy holds is replayed from its migration: ADD … DEFAULT … NOT NULL + DROP DEFAULT', async (t) => {
  const location: ColumnLocation = { column: 'flag', table: 'shop_item', candidates: [], presentInTarget: false, targetTableExists: true, sourceCopies: [] };
  const items = plan([missingColumn('shop_item', 'flag')], { columns: [location] }, SHOP);
  t.same(simplify(items), [
    { sql: 'ALTER TABLE "public"."shop_item" ADD COLUMN "flag" boolean DEFAULT false NOT NULL;\nALTER TABLE "public"."shop_item" ALTER COLUMN "flag" DROP DEFAULT;' },
  ]);
  const action = items[0]?.type === 'action' ? items[0].action : undefined;
  t.same(action?.kind === 'add-column' ? action.fromMigration : undefined, {
    id: 'shop.0002_item_flag',
    appliedAt: '2025-12-29T14:03:00Z',
    statements: SHOP_ITEM.columns[2]!.addSql,
  });

  const other: ColumnLocation = { column: 'injected', table: 'shop_item', candidates: [], presentInTarget: false, targetTableExists: true, sourceCopies: [] };
  t.same(simplify(plan([missingColumn('shop_item', 'injected')], { columns: [other] }, SHOP)), [
    { reason: 'not-in-history', detail: 'Column "injected" of "shop_item" was not created by any applied migration of this project, so nothing was added.', suggestedSql: undefined },
  ]);
});

t.test('replayColumnAdd: names from the catalog, definition from the migration, unsafe shapes refused', async (t) => {
  const at = { schema: 'public', table: 'Shop Item' };
  const col = (addSql: string[], type = 'integer', notNull = true) => column('qty', type, notNull, { addSql });
  t.same(replayColumnAdd({ ...at, column: col(['ALTER TABLE "shop_item" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL', 'ALTER TABLE "shop_item" ALTER COLUMN "qty" DROP DEFAULT']) }), {
    ok: true,
    sql: 'ALTER TABLE "public"."Shop Item" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;\nALTER TABLE "public"."Shop Item" ALTER COLUMN "qty" DROP DEFAULT;',
  });
  t.same(replayColumnAdd({ ...at, column: col(['ALTER TABLE "shop_item" ADD COLUMN "qty" integer NULL;'], 'integer', false) }), {
    ok: true,
    sql: 'ALTER TABLE "public"."Shop Item" ADD COLUMN "qty" integer;',
  });
  t.same(replayColumnAdd({ ...at, column: col(['ALTER TABLE "shop_item" ADD COLUMN "qty" integer DEFAULT now() NOT NULL']) }), {
    ok: false,
    why: 'its default (now()) is not a constant and would be evaluated for every row',
  });
  t.same(replayColumnAdd({ ...at, column: col(['ALTER TABLE "shop_item" ADD COLUMN "qty" bigint NULL CONSTRAINT "fk" REFERENCES "x" ("id")'], 'bigint', false) }), {
    ok: false,
    why: 'its migration statement is not a plain ADD COLUMN smoke-fix can replay (ALTER TABLE "shop_item" ADD COLUMN "qty" bigint NULL CONSTRAINT "fk" REFERENCES "x" ("id"))',
  });
  t.same(replayColumnAdd({ ...at, column: col(['ALTER TABLE "shop_item" ADD COLUMN "other" integer DEFAULT 0 NOT NULL']) }).ok, false, 'a statement about another column');
  t.same(replayColumnAdd({ ...at, column: col(['ALTER TABLE "shop_item" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL; DROP TABLE x']) }).ok, false, 'a second statement is not a default');
});
