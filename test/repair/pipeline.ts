/** Test glue: the real locate → plan path for a list of findings, as the cascade will run it. */
import type pg from 'pg';
import { locateFindings } from '../../src/db/locate.js';
import type { Finding, MissingColumnFinding, MissingRelationFinding } from '../../src/diagnose/types.js';
import { planRepairs } from '../../src/repair/plan.js';
import type { PlanItem, Refusal, RepairAction } from '../../src/repair/types.js';
import { collected } from '../helpers/collected.js';

export interface Scope {
  readonly targetSchema: string;
  readonly sourceSchemas: readonly string[];
}

export const schemas: Scope = { targetSchema: 'public', sourceSchemas: ['test_schema'] };

export function missingRelation(name: string, schema?: string): MissingRelationFinding {
  return { kind: 'missing-relation', name, schema, message: `relation "${name}" does not exist`, language: 'en' };
}

export function missingColumn(column: string, table?: string): MissingColumnFinding {
  return { kind: 'missing-column', column, table, message: `column "${column}" does not exist`, language: 'en' };
}

export async function planFor(pool: pg.Pool, findings: readonly Finding[], scope: Scope = schemas): Promise<PlanItem[]> {
  const all = findings.map((f) => collected(f));
  return planRepairs({ findings: all, ...(await locateFindings(pool, all, scope)), ...scope });
}

/** The one action planned for a finding (fails loudly when the planner refused instead). */
export async function actionFor(pool: pg.Pool, finding: Finding): Promise<RepairAction> {
  const [item] = await planFor(pool, [finding]);
  if (item?.type !== 'action') throw new Error(`expected an action, got ${JSON.stringify(item)}`);
  return item.action;
}

export async function refusalFor(pool: pg.Pool, finding: Finding): Promise<Refusal> {
  const [item] = await planFor(pool, [finding]);
  if (item?.type !== 'refusal') throw new Error(`expected a refusal, got ${JSON.stringify(item)}`);
  return item.refusal;
}
