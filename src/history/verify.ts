/**
 * Verification against the expectation: after a change is committed, the object in the target is
 * compared with what its migrations say it should be (columns, types, nullability, index and
 * constraint names, FK targets in the target schema). The applier's own checks (rows, counts)
 * stay; this says "the table is now what the app expects", the check the engineer did by hand.
 */
import type { Queryable } from '../db/types.js';
import { snapshotCatalog } from './catalog.js';
import { differences } from './drift.js';
import { migrationLabel } from './justify.js';
import type { ExpectedRelation, ExpectedSchema } from './types.js';

export interface ExpectationCheck {
  readonly object: string;
  /** The migration that created it, as the report quotes it. */
  readonly migration: string;
  readonly columns: { readonly expected: number; readonly found: number };
  readonly indexes: { readonly expected: number; readonly found: number };
  readonly constraints: { readonly expected: number; readonly found: number };
  /** Differences from the model, and foreign keys that still point outside the target schema. */
  readonly problems: readonly string[];
}

/** `expected 12 columns, found 12; indexes 4/4; constraints 7/7` */
export function expectationSummary(check: ExpectationCheck): string {
  return `expected ${check.columns.expected} columns, found ${check.columns.found}; indexes ${check.indexes.found}/${check.indexes.expected}; constraints ${check.constraints.found}/${check.constraints.expected}`;
}

export async function verifyAgainstExpected(
  db: Queryable,
  input: { readonly expected: ExpectedSchema; readonly targetSchema: string; readonly table: string },
): Promise<ExpectationCheck | null> {
  const model = input.expected.relations.get(input.table);
  if (!model) return null;
  const snapshot = await snapshotCatalog(db, { targetSchema: input.targetSchema, sourceSchemas: [], only: [input.table] });
  const live = snapshot.relations.find((r) => r.schema === input.targetSchema && r.name === input.table);
  return compareOne(model, live, input.targetSchema, (name) => input.expected.relations.has(name));
}

/** Pure: one model against its live object in the target (undefined: not there). */
export function compareOne(
  model: ExpectedRelation,
  live: Parameters<typeof differences>[1] | undefined,
  targetSchema: string,
  /**
   * A foreign key into a source schema whose table the migrations also expect in the target is
   * the middle of a round (that table moves in its own change, the key follows it by OID); the
   * closing check reports it if it stays. Any other is a problem now.
   */
  expectedElsewhere: (name: string) => boolean = () => false,
): ExpectationCheck {
  const base = { object: `${targetSchema}.${model.name}`, migration: migrationLabel(model.createdBy) };
  if (!live) {
    return {
      ...base,
      columns: { expected: model.columns.length, found: 0 },
      indexes: { expected: model.indexes.length, found: 0 },
      constraints: { expected: model.constraints.length, found: 0 },
      problems: [`${base.object} is not in the target schema`],
    };
  }
  const liveColumns = new Set(live.columns.map((c) => c.name));
  const liveIndexes = new Set(live.indexes);
  const liveConstraints = new Set(live.constraints.map((k) => k.name));
  const problems = differences(model, live);
  for (const k of live.constraints) {
    if (k.type === 'foreign-key' && k.references && k.references.schema !== targetSchema && !expectedElsewhere(k.references.name)) {
      problems.push(`foreign key ${k.name} references ${k.references.schema}.${k.references.name}, outside ${targetSchema}`);
    }
  }
  return {
    ...base,
    columns: { expected: model.columns.length, found: model.columns.filter((c) => liveColumns.has(c.name)).length },
    indexes: { expected: model.indexes.length, found: model.indexes.filter((n) => liveIndexes.has(n)).length },
    constraints: { expected: model.constraints.length, found: model.constraints.filter((k) => liveConstraints.has(k.name)).length },
    problems,
  };
}
