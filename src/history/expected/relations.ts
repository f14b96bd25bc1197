/** Indexes, sequences, views, DROP, RENAME and SET SCHEMA: statements on whole relations. */
import type {
  AlterObjectSchemaStmt,
  AlterSeqStmt,
  CreateSeqStmt,
  CreateTableAsStmt,
  DefElem,
  DropStmt,
  IndexElem,
  IndexStmt,
  Node,
  RangeVar,
  RenameStmt,
  ViewStmt,
} from 'libpg-query';
import { Relation } from './model.js';
import { chooseName, indexColumnNames, nameAddition } from './names.js';
import { inTarget, splitName, strings, type Step, type StepOutcome } from './step.js';
import { Unfollowable } from './unfollowable.js';

export function createIndex(step: Step, stmt: IndexStmt): StepOutcome {
  if (!inTarget(step, stmt.relation)) return 'other-schema';
  const model = step.model;
  const table = model.relation(stmt.relation?.relname ?? '');
  const elems = [...(stmt.indexParams ?? []), ...(stmt.indexIncludingParams ?? [])].map((n) => (n as { IndexElem: IndexElem }).IndexElem);
  const columns = elems.map((e) => e.name ?? null);
  if (stmt.idxname && stmt.if_not_exists && model.relationNameTaken(stmt.idxname)) return 'followed';
  const name =
    stmt.idxname ??
    chooseName(table.name, nameAddition(indexColumnNames(columns)), stmt.primary ? 'pkey' : 'idx', (n) => model.relationNameTaken(n));
  model.addIndex(table, name, columns.filter((c): c is string => c !== null), null);
  table.touch(step.migration);
  return 'followed';
}

/** DROP TABLE / VIEW / MATERIALIZED VIEW / SEQUENCE / INDEX, each object in turn. */
export function drop(step: Step, stmt: DropStmt): StepOutcome {
  const model = step.model;
  const kinds: Record<string, string[]> = {
    OBJECT_TABLE: ['table', 'partitioned-table'],
    OBJECT_VIEW: ['view'],
    OBJECT_MATVIEW: ['materialized-view'],
    OBJECT_SEQUENCE: ['sequence'],
  };
  const type = stmt.removeType ?? '';
  if (type !== 'OBJECT_INDEX' && !(type in kinds)) throw new Unfollowable(`DROP ${type.replace(/^OBJECT_/, '')} is not modelled`);
  const names = (stmt.objects ?? []).map((o) => splitName(step, strings((o as { List?: { items?: Node[] } }).List?.items)));
  if (names.every((n) => !n.inTarget)) return 'other-schema';
  for (const { inTarget: here, name } of names) {
    if (!here) continue;
    if (type === 'OBJECT_INDEX') {
      const index = model.indexes.get(name);
      if (!index) continue; // IF EXISTS, or an index the history never made: nothing to forget
      if (index.constraint) throw new Unfollowable(`index "${name}" belongs to constraint "${index.constraint.name}"`);
      model.dropIndex(index);
      index.table.touch(step.migration);
      continue;
    }
    const relation = model.relations.get(name);
    if (!relation) continue;
    if (!kinds[type]!.includes(relation.kind)) throw new Unfollowable(`"${name}" is a ${relation.kind}, not what DROP ${type.replace(/^OBJECT_/, '')} drops`);
    model.dropRelation(relation);
  }
  return 'followed';
}

/** RENAME of a relation, index, column or constraint. A renamed table keeps its identity. */
export function rename(step: Step, stmt: RenameStmt): StepOutcome {
  if (!inTarget(step, stmt.relation)) return 'other-schema';
  const model = step.model;
  const name = stmt.relation?.relname ?? '';
  const to = stmt.newname ?? '';
  switch (stmt.renameType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_SEQUENCE':
    case 'OBJECT_INDEX': {
      // ALTER TABLE … RENAME renames any relation, ALTER INDEX … RENAME a table too (the server allows both).
      const index = model.indexes.get(name);
      if (index) {
        model.renameIndex(index, to);
        index.table.touch(step.migration);
        return 'followed';
      }
      const relation = model.relations.get(name);
      if (!relation) {
        if (stmt.missing_ok) return 'followed';
        throw new Unfollowable(`"${name}" was not created by any replayed statement`);
      }
      model.renameRelation(relation, to);
      relation.touch(step.migration);
      return 'followed';
    }
    case 'OBJECT_COLUMN': {
      const relation = model.relations.get(name);
      if (!relation && stmt.missing_ok) return 'followed';
      const table = model.relation(name);
      model.renameColumn(table, stmt.subname ?? '', to);
      table.touch(step.migration);
      return 'followed';
    }
    case 'OBJECT_TABCONSTRAINT': {
      const table = model.relation(name);
      const constraint = table.constraints.find((c) => c.name === stmt.subname);
      if (!constraint) throw new Unfollowable(`constraint "${stmt.subname ?? ''}" of "${name}" is not in the model`);
      model.renameConstraint(constraint, to);
      table.touch(step.migration);
      return 'followed';
    }
    default:
      throw new Unfollowable(`RENAME of ${String(stmt.renameType).replace(/^OBJECT_/, '')} is not modelled`);
  }
}

/** SET SCHEMA: a relation that leaves the target is gone from it (with its indexes and owned sequences). */
export function setSchema(step: Step, stmt: AlterObjectSchemaStmt): StepOutcome {
  const model = step.model;
  const kinds = ['OBJECT_TABLE', 'OBJECT_SEQUENCE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'];
  if (!kinds.includes(stmt.objectType ?? '')) throw new Unfollowable(`SET SCHEMA of ${String(stmt.objectType).replace(/^OBJECT_/, '')} is not modelled`);
  const name = stmt.relation?.relname ?? '';
  const leaves = inTarget(step, stmt.relation) && stmt.newschema !== model.schema;
  const enters = !inTarget(step, stmt.relation) && stmt.newschema === model.schema;
  if (enters) throw new Unfollowable(`moves "${stmt.relation?.schemaname ?? ''}.${name}", which the model does not know, into ${model.schema}`);
  if (!leaves) return inTarget(step, stmt.relation) ? 'followed' : 'other-schema';
  const relation = model.relations.get(name);
  if (!relation) {
    if (stmt.missing_ok) return 'followed';
    throw new Unfollowable(`"${name}" was not created by any replayed statement`);
  }
  model.moveOut(relation, stmt.newschema ?? '');
  return 'followed';
}

export function createSequence(step: Step, stmt: CreateSeqStmt): StepOutcome {
  if (!inTarget(step, stmt.sequence)) return 'other-schema';
  const name = stmt.sequence?.relname ?? '';
  if (stmt.if_not_exists && step.model.relationNameTaken(name)) return 'followed';
  const sequence = new Relation(name, 'sequence', step.migration);
  step.model.addRelation(sequence);
  applyOwnedBy(step, sequence, stmt.options);
  return 'followed';
}

export function alterSequence(step: Step, stmt: AlterSeqStmt): StepOutcome {
  if (!inTarget(step, stmt.sequence)) return 'other-schema';
  const name = stmt.sequence?.relname ?? '';
  const sequence = step.model.relations.get(name);
  if (!sequence) {
    if (stmt.missing_ok) return 'followed';
    throw new Unfollowable(`sequence "${name}" was not created by any replayed statement`);
  }
  if (sequence.kind !== 'sequence') throw new Unfollowable(`"${name}" is a ${sequence.kind}, not a sequence`);
  applyOwnedBy(step, sequence, stmt.options);
  return 'followed';
}

/** `OWNED BY t.col` / `OWNED BY NONE`; other options (AS, RESTART, …) do not change the model. */
function applyOwnedBy(step: Step, sequence: Relation, options: readonly Node[] | undefined): void {
  for (const option of options ?? []) {
    const def = (option as { DefElem?: DefElem }).DefElem;
    if (def?.defname !== 'owned_by') continue;
    const parts = strings((def.arg as { List?: { items?: Node[] } } | undefined)?.List?.items);
    if (parts.length === 1 && parts[0] === 'none') {
      step.model.own(sequence, null);
      continue;
    }
    const column = parts[parts.length - 1] ?? '';
    const table = splitName(step, parts.slice(0, -1));
    if (!table.inTarget) throw new Unfollowable(`sequence "${sequence.name}" is owned by a table outside ${step.model.schema}`);
    const owner = step.model.table(table.name);
    owner.column(column);
    step.model.own(sequence, { table: owner, column });
  }
}

export function createView(step: Step, stmt: ViewStmt): StepOutcome {
  if (!inTarget(step, stmt.view)) return 'other-schema';
  const name = stmt.view?.relname ?? '';
  const existing = step.model.relations.get(name);
  if (existing && stmt.replace && existing.kind === 'view') {
    existing.touch(step.migration);
    return 'followed';
  }
  const view = new Relation(name, 'view', step.migration);
  step.model.addRelation(view);
  dependOnReadRelations(step, view, stmt.query);
  return 'followed';
}

/**
 * Records the view on every modelled relation its query reads, so DROP … CASCADE of one of them
 * drops the view as the server does. Names of the query's own CTEs are not relations.
 */
function dependOnReadRelations(step: Step, view: Relation, query: Node | undefined): void {
  const ctes = new Set<string>();
  const read: RangeVar[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    const cte = (value as { CommonTableExpr?: { ctename?: string } }).CommonTableExpr;
    if (cte?.ctename) ctes.add(cte.ctename);
    const rv = (value as { RangeVar?: RangeVar }).RangeVar;
    if (rv) read.push(rv);
    for (const child of Object.values(value)) walk(child);
  };
  walk(query);
  for (const rv of read) {
    if (!inTarget(step, rv) || (rv.schemaname === undefined && ctes.has(rv.relname ?? ''))) continue;
    step.model.relations.get(rv.relname ?? '')?.dependents.add(view);
  }
}

/** CREATE MATERIALIZED VIEW (CREATE TABLE … AS has columns the model cannot know). */
export function createTableAs(step: Step, stmt: CreateTableAsStmt): StepOutcome {
  const rv = stmt.into?.rel;
  if (!inTarget(step, rv)) return 'other-schema';
  if (stmt.objtype !== 'OBJECT_MATVIEW') throw new Unfollowable('CREATE TABLE … AS: the columns come from a query the model does not run');
  const name = rv?.relname ?? '';
  if (stmt.if_not_exists && step.model.relationNameTaken(name)) return 'followed';
  const view = new Relation(name, 'materialized-view', step.migration);
  step.model.addRelation(view);
  dependOnReadRelations(step, view, stmt.query);
  return 'followed';
}

