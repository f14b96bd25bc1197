/**
 * The expected schema against what the catalog holds: for every object the app's applied
 * migrations created, where it is (target ✔, misplaced, ambiguous, lost) and how the live object
 * differs from the model; and, the other way round, what sits in the source schemas that no
 * migration created (never moved), stale copies, and foreign keys that point into a source schema.
 *
 * Pure: built from an ExpectedSchema and a CatalogSnapshot, tested by exact value.
 */
import type { SchemaScope } from '../db/types.js';
import type { CatalogSnapshot, SnapshotRelation } from './catalog.js';
import type { ExpectedRelation, ExpectedSchema, HistoryDrift, ObjectDrift } from './types.js';
import { groupBy } from '../util/group-by.js';

export function compareWithHistory(expected: ExpectedSchema, snapshot: CatalogSnapshot, input: SchemaScope): HistoryDrift {
  const target = input.targetSchema;
  const sources = new Set(input.sourceSchemas);
  const inTarget = new Map<string, SnapshotRelation>();
  for (const r of snapshot.relations) if (r.schema === target) inTarget.set(r.name, r);
  const inSources = groupBy(snapshot.relations.filter((r) => r.schema !== target && sources.has(r.schema)), (r) => r.name);

  const objects: ObjectDrift[] = [];
  for (const model of [...expected.relations.values()].sort(byName)) {
    const here = inTarget.get(model.name);
    const copies = inSources.get(model.name) ?? [];
    if (here) {
      objects.push({ expected: model, state: 'in-target', foundIn: [], differences: differences(model, here) });
    } else if (copies.length === 1) {
      const copy = copies[0]!;
      objects.push({ expected: model, state: 'misplaced', foundIn: [copy.schema], differences: differences(model, copy) });
    } else if (copies.length > 1) {
      objects.push({ expected: model, state: 'ambiguous', foundIn: copies.map((c) => c.schema).sort(), differences: [] });
    } else {
      objects.push({ expected: model, state: 'lost', foundIn: [], differences: [] });
    }
  }

  const notTheApps: Array<{ schema: string; name: string; kind: string }> = [];
  const leftovers: Array<{ schema: string; name: string; kind: string }> = [];
  for (const r of snapshot.relations) {
    if (!sources.has(r.schema) || r.schema === target) continue;
    // Partitions and owned sequences go with their table: judged through it, never on their own.
    if (r.isPartition) continue;
    if (r.kind === 'sequence' && r.ownedBy !== null && expected.relations.has(r.ownedBy)) continue;
    const entry = { schema: r.schema, name: r.name, kind: r.kind };
    if (!expected.relations.has(r.name)) notTheApps.push(entry);
    else if (inTarget.has(r.name)) leftovers.push(entry);
  }

  const crossSchemaForeignKeys: Array<{ table: string; constraint: string; referencesSchema: string; referencesName: string }> = [];
  for (const r of inTarget.values()) {
    for (const k of r.constraints) {
      if (k.type === 'foreign-key' && k.references && sources.has(k.references.schema)) {
        crossSchemaForeignKeys.push({ table: r.name, constraint: k.name, referencesSchema: k.references.schema, referencesName: k.references.name });
      }
    }
  }
  crossSchemaForeignKeys.sort((a, b) => cmp(a.table, b.table) || cmp(a.constraint, b.constraint));

  return { targetSchema: target, sourceSchemas: input.sourceSchemas, objects, notTheApps, leftovers, crossSchemaForeignKeys };
}

/**
 * How a live object differs from its model, one sentence each, in a fixed order (kind, columns,
 * indexes, constraints). Foreign-key targets compare by table name: which schema they point into
 * is reported as a cross-schema foreign key, since a misplaced pair legitimately points there.
 */
export function differences(model: ExpectedRelation, live: Pick<SnapshotRelation, 'kind' | 'columns' | 'indexes' | 'constraints'>): string[] {
  const out: string[] = [];
  if (model.kind !== live.kind) out.push(`is a ${live.kind}, expected a ${model.kind}`);
  if (model.kind === 'sequence') return out;
  const liveColumns = new Map(live.columns.map((c) => [c.name, c]));
  for (const col of model.columns) {
    const have = liveColumns.get(col.name);
    if (!have) {
      out.push(`column ${col.name} missing (added by ${col.addedBy.id})`);
      continue;
    }
    if (have.type !== col.type) out.push(`column ${col.name} is ${have.type}, expected ${col.type}`);
    if (have.notNull !== col.notNull) out.push(`column ${col.name} is ${have.notNull ? 'NOT NULL' : 'nullable'}, expected ${col.notNull ? 'NOT NULL' : 'nullable'}`);
  }
  const expectedColumns = new Set(model.columns.map((c) => c.name));
  for (const c of live.columns) if (!expectedColumns.has(c.name)) out.push(`column ${c.name} is not in the migrations`);

  const liveIndexes = new Set(live.indexes);
  for (const name of model.indexes) if (!liveIndexes.has(name)) out.push(`index ${name} missing`);
  const expectedIndexes = new Set(model.indexes);
  for (const name of live.indexes) if (!expectedIndexes.has(name)) out.push(`index ${name} is not in the migrations`);

  const liveConstraints = new Map(live.constraints.map((k) => [k.name, k]));
  for (const k of model.constraints) {
    const have = liveConstraints.get(k.name);
    if (!have) {
      out.push(`constraint ${k.name} missing`);
      continue;
    }
    if (have.type !== k.type) out.push(`constraint ${k.name} is a ${have.type}, expected a ${k.type}`);
    else if (k.references && have.references && have.references.name !== k.references.name) {
      out.push(`constraint ${k.name} references ${have.references.name}, expected ${k.references.name}`);
    }
  }
  const expectedConstraints = new Set(model.constraints.map((k) => k.name));
  for (const k of live.constraints) if (!expectedConstraints.has(k.name)) out.push(`constraint ${k.name} is not in the migrations`);
  return out;
}

/** True when `scan` must exit 1: an expected object is misplaced, lost, ambiguous or different. */
export function hasDrift(drift: HistoryDrift): boolean {
  return drift.objects.some((o) => o.state !== 'in-target' || o.differences.length > 0);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: ExpectedRelation, b: ExpectedRelation): number {
  return cmp(a.name, b.name);
}
