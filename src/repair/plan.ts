/**
 * The planner: findings + what the catalog said → actions with exact SQL, or refusals with a
 * reason. Pure: no I/O, so every rule below is unit-tested without a database.
 *
 * The rules (DESIGN.md "What it repairs, and what it never does"):
 * - move a relation only from exactly one allowed source schema into the target, never over an
 *   existing name, never anything in a system schema, never an index/toast/composite type on its
 *   own (partitions and owned sequences move with their table);
 * - add a column only to an existing target table, from exactly one source copy, and only when
 *   that is safe (a constant default, or nullable with no default); otherwise a person gets the SQL;
 * - never DROP or TRUNCATE (no builder here can produce either, except the rollback of an added
 *   column, which is written for a person and never run).
 */
import { is, type CollectedFinding, type MissingColumnFinding, type MissingRelationFinding, type ObjectFinding } from '../diagnose/types.js';
import { qualified, quoteIdent } from '../db/quote.js';
import { isConstantDefault } from '../db/constant-default.js';
import { isSystemSchema } from '../util/system-schema.js';
import type { CatalogRelation, ColumnInfo, SchemaScope } from '../db/types.js';
import type { Locations } from '../db/locate.js';
import { expectedColumn, migrationLabel, NOT_IN_HISTORY, replayColumnAdd } from '../history/justify.js';
import type { ExpectedSchema } from '../history/types.js';
import { isMovableKind, moveRollbackSql, moveSql } from '../db/set-schema.js';
import { addColumnRollbackSql, addColumnSql } from './sql.js';
import { unsafeColumnAdvice } from './unsafe-column.js';
import { planObject } from './plan-objects.js';
import type { AddColumnAction, MoveRelationAction, PlanItem, Refusal, RefusalReason, RepairAction } from './types.js';

export interface PlanInput extends Locations, SchemaScope {
  /** The round's findings, each with its key: a location is found under the key of its finding. */
  readonly findings: readonly CollectedFinding[];
  /** `history` configured: every move and column add must be justified by the expected schema. */
  readonly expected?: ExpectedSchema | undefined;
}

/**
 * An action with the catalog object it changes (`relation:<oid>`, `column:<schema>.<table>.<name>`):
 * findings that resolve to the same object become one action answering all of them.
 */
type Decision = { readonly action: RepairAction; readonly changes: string } | Omit<Refusal, 'findings'>;

export function planRepairs(input: PlanInput): PlanItem[] {
  const items: PlanItem[] = [];
  // One action per object: `x` and `public.x` (or a repeated column error) resolve to one move.
  const actionIndex = new Map<string, number>();
  for (const collected of input.findings) {
    const decision = is(collected, 'missing-relation')
      ? planRelation(collected, input)
      : is(collected, 'missing-column')
        ? planColumn(collected, input)
        : // the two kinds left (is() cannot narrow a generic by exclusion)
          planObject(collected as CollectedFinding<ObjectFinding>, input);
    if (!('action' in decision)) {
      items.push({ type: 'refusal', refusal: { findings: [collected], ...decision } });
      continue;
    }
    const seen = actionIndex.get(decision.changes);
    if (seen === undefined) {
      actionIndex.set(decision.changes, items.length);
      items.push({ type: 'action', action: decision.action });
      continue;
    }
    const item = items[seen];
    if (item?.type === 'action') items[seen] = { type: 'action', action: { ...item.action, findings: [...item.action.findings, collected] } };
  }
  return items;
}

function refuse(reason: RefusalReason, detail: string, suggestedSql?: string): Omit<Refusal, 'findings'> {
  return suggestedSql === undefined ? { reason, detail } : { reason, detail, suggestedSql };
}

/** Hostile names appear in details only as JSON strings: visibly delimited, one line. */
function show(name: string): string {
  return JSON.stringify(name);
}

function where(relation: CatalogRelation): string {
  return `${qualified(relation.schema, relation.name)} (${relation.kind})`;
}

/** A finding that names a schema other than the target is about some other lookup: leave it. */
function refuseOtherSchema(schema: string | undefined, target: string, what: string): Omit<Refusal, 'findings'> | null {
  if (schema === undefined || schema === target) return null;
  if (isSystemSchema(schema)) {
    return refuse('system-schema', `The error names ${what} in the system schema ${show(schema)}; smoke-fix never changes system schemas.`);
  }
  return refuse(
    'outside-source-schemas',
    `The error names ${what} in schema ${show(schema)}, not in the target schema ${show(target)}; smoke-fix only repairs names the app looks up in ${show(target)}.`,
  );
}

function planRelation(collected: CollectedFinding<MissingRelationFinding>, input: PlanInput): Decision {
  const { finding } = collected;
  const target = input.targetSchema;
  // The config refuses this too; the planner must never depend on that alone.
  if (isSystemSchema(target)) {
    return refuse('system-schema', `The target schema ${show(target)} is a system schema; smoke-fix never moves anything into one.`);
  }
  const otherSchema = refuseOtherSchema(finding.schema, target, `relation ${show(finding.name)}`);
  if (otherSchema) return otherSchema;
  // Before any look-up result counts: a name no migration created is never moved, whatever says it.
  if (input.expected && !input.expected.relations.has(finding.name)) {
    return refuse('not-in-history', `${show(finding.name)} was ${NOT_IN_HISTORY}, so nothing was moved; if the app needs it, the migration that creates it has not been applied.`);
  }

  const location = input.relations.get(collected.key);
  const inSources = location?.inSources ?? [];
  const elsewhere = location?.elsewhere ?? [];

  if (location?.inTarget) {
    return refuse(
      'already-in-target',
      `${where(location.inTarget)} already exists, so nothing was moved; the error may come from another database, a search_path without ${show(target)}, or a connection opened before the fix.`,
    );
  }
  if (inSources.length > 1) {
    const schemas = inSources.map((r) => show(r.schema)).join(' and ');
    return refuse(
      'ambiguous',
      `${show(finding.name)} exists in more than one source schema (${schemas}); decide which copy the app needs and move it by hand.`,
    );
  }
  const relation = inSources[0];
  if (relation === undefined) {
    if (elsewhere.length === 0) {
      return refuse(
        'not-found',
        `No relation named ${show(finding.name)} exists in any schema; a migration that creates it may never have run (check \`manage.py showmigrations\`).`,
      );
    }
    const userSchemas = [...new Set(elsewhere.filter((r) => !isSystemSchema(r.schema)).map((r) => r.schema))];
    if (userSchemas.length === 0) {
      const systemSchemas = [...new Set(elsewhere.map((r) => show(r.schema)))].join(', ');
      return refuse('system-schema', `${show(finding.name)} exists only in the system schema ${systemSchemas}; smoke-fix never moves anything out of a system schema.`);
    }
    const schemas = userSchemas.map(show).join(', ');
    return refuse(
      'outside-source-schemas',
      `${show(finding.name)} exists only in ${schemas}, which is not in database.sourceSchemas; add it to sourceSchemas if it should be moved from there.`,
    );
  }
  if (isSystemSchema(relation.schema)) {
    return refuse('system-schema', `${where(relation)} is in a system schema; smoke-fix never moves anything out of a system schema.`);
  }
  if (relation.isPartition) {
    const parent = relation.partitionOf ? qualified(relation.partitionOf.schema, relation.partitionOf.name) : 'its partitioned table';
    return refuse('unsupported-kind', `${where(relation)} is a partition of ${parent}; partitions move with their parent, so the finding for the parent is the one to repair.`);
  }
  if (relation.kind === 'sequence' && relation.ownedBy) {
    return refuse(
      'unsupported-kind',
      `${where(relation)} belongs to a column of ${qualified(relation.ownedBy.schema, relation.ownedBy.name)}; an owned sequence moves with its table, not on its own.`,
    );
  }
  if (!isMovableKind(relation.kind)) {
    return refuse('unsupported-kind', `${where(relation)} is not something the app queries by name; smoke-fix moves tables, views, materialized views and sequences only.`);
  }
  const move = {
    kind: relation.kind,
    name: relation.name,
    fromSchema: relation.schema,
    toSchema: target,
    partitions: (relation.partitions ?? []).map((p) => p.name),
  };
  const action: MoveRelationAction = {
    kind: 'move-relation',
    findings: [collected],
    relation,
    fromSchema: relation.schema,
    toSchema: target,
    sql: moveSql(move),
    rollbackSql: moveRollbackSql(move),
    ...(relation.partitions?.length ? { partitions: relation.partitions } : {}),
  };
  return { action, changes: `relation:${relation.oid}` };
}

function planColumn(collected: CollectedFinding<MissingColumnFinding>, input: PlanInput): Decision {
  const { finding } = collected;
  const target = input.targetSchema;
  const column = show(finding.column);
  const otherSchema = refuseOtherSchema(finding.schema, target, `column ${column}`);
  if (otherSchema) return otherSchema;

  const location = input.columns.get(collected.key);
  if (!location) {
    return refuse('not-found', `Column ${column} was not looked up in the catalog, so nothing was planned for it.`);
  }
  if (location.table === null) {
    if (location.candidates.length > 1) {
      return refuse(
        'ambiguous',
        `Column ${column} is missing from several tables in ${show(target)} whose source copies have it (${location.candidates.map(show).join(', ')}), and the error names no table; add it by hand to the right one.`,
      );
    }
    return refuse('no-source-copy', `No table in ${show(target)} lacks column ${column} while a copy in ${input.sourceSchemas.map(show).join(', ')} has it; a migration that adds it may never have run.`);
  }
  const table = show(location.table);
  const model = input.expected ? expectedColumn(input.expected, location.table, finding.column) : undefined;
  if (input.expected && !model) {
    return refuse('not-in-history', `Column ${column} of ${table} was ${NOT_IN_HISTORY}, so nothing was added.`);
  }
  if (location.presentInTarget) {
    return refuse('column-present', `${qualified(target, location.table)} already has column ${quoteIdent(finding.column)}; the error may come from a query on another table or a stale connection.`);
  }
  if (location.targetTableExists === false) {
    return refuse('not-found', `Table ${table} does not exist in ${show(target)}, so there is no table to add column ${column} to; repair the table first.`);
  }
  // The migration that added the column is the authority on its definition: a stale copy may be
  // older, and Django's NOT NULL add leaves the copy without the default that made it safe.
  if (model && model.addSql.length > 0) return planColumnFromMigration(collected, location.table, model, input);
  if (location.sourceCopies.length === 0) {
    return refuse('no-source-copy', `No copy of ${table} in ${input.sourceSchemas.map(show).join(', ')} has column ${column}; a migration that adds it may never have run.`);
  }
  if (location.sourceCopies.length > 1) {
    const schemas = location.sourceCopies.map((c) => show(c.schema)).join(' and ');
    return refuse('ambiguous', `Copies of ${table} in ${schemas} both have column ${column}; decide which definition is right and add it by hand.`);
  }
  const copy = location.sourceCopies[0] as (typeof location.sourceCopies)[number];
  if (isSystemSchema(copy.schema) || isSystemSchema(target)) {
    return refuse('system-schema', `Column ${column} would involve a system schema; smoke-fix never changes system schemas.`);
  }
  const sqlInput = { schema: target, table: location.table, column: copy.column };
  const sql = addColumnSql(sqlInput);
  const foreign = copy.column.sourceSchemaObjects ?? [];
  if (foreign.length > 0) {
    // The copy would depend on the source schema: its domain CHECK or default function would run
    // as smoke-fix's role for every row, and `DROP SCHEMA … CASCADE` would silently drop the column.
    return refuse(
      'source-schema-dependency',
      `Column ${column} of ${qualified(copy.schema, location.table)} relies on ${foreign.join(', ')} in a source schema; a copy in ${show(target)} would keep depending on it (and run its code). Create or move those objects into ${show(target)} first, then review the suggested SQL.`,
      sql,
    );
  }
  const unsafe = unsafeBecause(copy.column);
  if (unsafe) {
    const advice = unsafeColumnAdvice({ schema: target, table: location.table, copySchema: copy.schema, column: copy.column, because: unsafe, rows: location.targetRows });
    return refuse('unsafe-column', advice.detail, advice.suggestedSql);
  }
  const action: AddColumnAction = {
    kind: 'add-column',
    findings: [collected],
    schema: target,
    table: location.table,
    copySchema: copy.schema,
    column: copy.column,
    sql,
    rollbackSql: addColumnRollbackSql({ schema: target, table: location.table, column: copy.column.name }),
  };
  return { action, changes: `column:${target}.${location.table}.${copy.column.name}` };
}

/** No stale copy holds the column, but the migration that added it says how: replay that. */
function planColumnFromMigration(
  collected: CollectedFinding<MissingColumnFinding>,
  table: string,
  model: NonNullable<ReturnType<typeof expectedColumn>>,
  input: PlanInput,
): Decision {
  const target = input.targetSchema;
  const migration = migrationLabel(model.addedBy);
  const replay = replayColumnAdd({ schema: target, table, column: model });
  if (!replay.ok) {
    return refuse(
      'unsafe-column',
      `Column ${show(model.name)} of ${show(table)} was added by ${migration}, but ${replay.why}; review the migration's statements and run them by hand.`,
      model.addSql.join('\n'),
    );
  }
  const action: AddColumnAction = {
    kind: 'add-column',
    findings: [collected],
    schema: target,
    table,
    copySchema: target,
    column: { name: model.name, type: model.type, notNull: model.notNull, default: model.default, defaultIsConstant: isConstantDefault(model.default) },
    sql: replay.sql,
    rollbackSql: addColumnRollbackSql({ schema: target, table, column: model.name }),
    fromMigration: { id: model.addedBy.id, appliedAt: model.addedBy.appliedAt, statements: model.addSql },
  };
  return { action, changes: `column:${target}.${table}.${model.name}` };
}

/** Why adding this column is not safe to do unattended, or null when it is. */
function unsafeBecause(column: ColumnInfo): string | null {
  if (column.identity) return `an identity column (GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY)`;
  if (column.generated) return 'a generated column computed for every row';
  if (column.default !== null && !column.defaultIsConstant) {
    return `defined with a non-constant default (${column.default}) that would be evaluated for every row`;
  }
  if (column.notNull && column.default === null) return 'NOT NULL without a default';
  return null;
}
