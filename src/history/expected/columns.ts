/**
 * Column definitions and constraints, shared by CREATE TABLE and ALTER TABLE … ADD COLUMN /
 * ADD CONSTRAINT: each creates its objects in the server's order (owned sequences, then the
 * column, then checks, then the indexes behind keys, then foreign keys) with the server's
 * implicit names.
 */
import type { ColumnDef, Constraint as ConstraintNode, Node } from 'libpg-query';
import type { Column, Constraint, Relation } from './model.js';
import { Relation as RelationClass } from './model.js';
import { chooseName, indexColumnNames, nameAddition } from './names.js';
import { columnDefault } from './defaults.js';
import { columnType } from './sql-types.js';
import { inTarget, str, strings, type Step } from './step.js';
import { Unfollowable } from './unfollowable.js';

/** Constraints waiting for their phase, with the column they were written on (if any). */
export interface PendingConstraints {
  readonly checks: Array<{ node: ConstraintNode; column: string | null }>;
  readonly keys: Array<{ node: ConstraintNode; column: string | null }>;
  readonly foreignKeys: Array<{ node: ConstraintNode; column: string | null }>;
}

export function noPending(): PendingConstraints {
  return { checks: [], keys: [], foreignKeys: [] };
}

const MODELLED_CONSTRAINTS = new Set([
  'CONSTR_NULL',
  'CONSTR_NOTNULL',
  'CONSTR_DEFAULT',
  'CONSTR_IDENTITY',
  'CONSTR_CHECK',
  'CONSTR_PRIMARY',
  'CONSTR_UNIQUE',
  'CONSTR_EXCLUSION',
  'CONSTR_FOREIGN',
  'CONSTR_ATTR_DEFERRABLE',
  'CONSTR_ATTR_NOT_DEFERRABLE',
  'CONSTR_ATTR_DEFERRED',
  'CONSTR_ATTR_IMMEDIATE',
  'CONSTR_ATTR_ENFORCED',
  'CONSTR_ATTR_NOT_ENFORCED',
]);

/**
 * Throws before anything is changed when a column definition holds what the model does not
 * follow (a type it cannot spell, a generated column), so a statement is followed whole or not at all.
 */
export function checkColumnDef(def: ColumnDef, targetSchema: string): void {
  if (!def.typeName) throw new Unfollowable(`column "${def.colname ?? ''}" has no type`);
  columnType(def.typeName, targetSchema);
  for (const wrapped of def.constraints ?? []) checkConstraint((wrapped as { Constraint?: ConstraintNode }).Constraint, def.colname ?? '');
}

export function checkConstraint(node: ConstraintNode | undefined, column: string): void {
  if (!node) throw new Unfollowable(`column "${column}": a constraint the model cannot read`);
  if (node.contype === 'CONSTR_GENERATED') throw new Unfollowable(`generated column "${column}" is not modelled`);
  if (!MODELLED_CONSTRAINTS.has(node.contype ?? '')) throw new Unfollowable(`constraint ${node.contype ?? '?'} is not modelled`);
}

/** Sorts a constraint into its phase; NOT NULL / NULL / DEFAULT apply to the column directly. */
export function queueConstraint(pending: PendingConstraints, node: ConstraintNode, column: string | null): void {
  switch (node.contype) {
    case 'CONSTR_CHECK':
      pending.checks.push({ node, column });
      return;
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION':
      pending.keys.push({ node, column });
      return;
    case 'CONSTR_FOREIGN':
      pending.foreignKeys.push({ node, column });
      return;
    case 'CONSTR_ATTR_DEFERRABLE':
    case 'CONSTR_ATTR_NOT_DEFERRABLE':
    case 'CONSTR_ATTR_DEFERRED':
    case 'CONSTR_ATTR_IMMEDIATE':
    case 'CONSTR_ATTR_ENFORCED':
    case 'CONSTR_ATTR_NOT_ENFORCED':
      return; // attributes of the constraint before them: no name, no object
    default:
      throw new Unfollowable(`constraint ${node.contype ?? '?'} is not modelled`);
  }
}

/**
 * A column from its definition, with its owned sequence when it is serial or identity. Its
 * constraints other than NULL / NOT NULL / DEFAULT / identity are queued on `pending`.
 */
export function defineColumn(step: Step, table: Relation, def: ColumnDef, pending: PendingConstraints, addSql: string[]): Column {
  const name = def.colname ?? '';
  if (!def.typeName) throw new Unfollowable(`column "${name}" has no type`);
  if (table.columns.some((c) => c.name === name)) throw new Unfollowable(`column "${name}" of "${table.name}" already exists`);
  const { type, serial } = columnType(def.typeName, step.model.schema);
  const column: Column = { name, type, notNull: def.is_not_null === true, default: null, addedBy: step.migration, addSql };
  if (def.raw_default) column.default = columnDefault(step, def.raw_default);
  let identity = false;
  for (const wrapped of def.constraints ?? []) {
    const node = (wrapped as { Constraint?: ConstraintNode }).Constraint;
    if (!node) continue;
    switch (node.contype) {
      case 'CONSTR_NOTNULL':
        column.notNull = true;
        break;
      case 'CONSTR_NULL':
        column.notNull = false;
        break;
      case 'CONSTR_DEFAULT':
        column.default = node.raw_expr ? columnDefault(step, node.raw_expr) : null;
        break;
      case 'CONSTR_IDENTITY':
        identity = true;
        break;
      case 'CONSTR_GENERATED':
        throw new Unfollowable(`generated column "${name}" is not modelled`);
      case 'CONSTR_PRIMARY':
        column.notNull = true;
        queueConstraint(pending, node, name);
        break;
      default:
        queueConstraint(pending, node, name);
    }
  }
  if (serial || identity) {
    // serial and identity make a sequence `<table>_<column>_seq`, owned by the column; serial
    // also sets the default the catalog prints as nextval('…'::regclass). Both are NOT NULL.
    const sequenceName = chooseName(table.name, name, 'seq', (n) => step.model.relationNameTaken(n));
    const sequence = new RelationClass(sequenceName, 'sequence', step.migration);
    step.model.addRelation(sequence);
    step.model.own(sequence, { table, column: name });
    column.notNull = true;
    if (serial) column.default = { kind: 'nextval', sequence };
  }
  if (column.default?.kind === 'nextval') column.default.sequence.nextvalUsers.add(column);
  return column;
}

/** Creates the queued constraints in the server's order: checks, key indexes, foreign keys. */
export function createPending(step: Step, table: Relation, pending: PendingConstraints): void {
  const model = step.model;
  const chosen = new Set<string>();
  for (const { node, column } of pending.checks) {
    const columns = referencedColumns(node.raw_expr);
    const name =
      node.conname ??
      chooseName(table.name, columns.length === 1 ? columns[0]! : null, 'check', (n) => model.constraintNameTaken(n) || chosen.has(n));
    chosen.add(name);
    model.addConstraint(table, { name, type: 'check', columns: columns.length ? columns : column ? [column] : [], index: null });
  }
  for (const { node, column } of pending.keys) createKey(step, table, node, column);
  for (const { node, column } of pending.foreignKeys) createForeignKey(step, table, node, column);
}

function createKey(step: Step, table: Relation, node: ConstraintNode, column: string | null): void {
  const model = step.model;
  const type = node.contype === 'CONSTR_PRIMARY' ? 'primary-key' : node.contype === 'CONSTR_UNIQUE' ? 'unique' : 'exclusion';
  let columns: string[];
  if (type === 'exclusion') {
    columns = (node.exclusions ?? []).map((pair) => {
      const elem = (pair as { List?: { items?: Node[] } }).List?.items?.[0] as { IndexElem?: { name?: string } } | undefined;
      return elem?.IndexElem?.name ?? 'expr';
    });
  } else {
    columns = node.keys?.length ? strings(node.keys) : column ? [column] : [];
  }
  if (type === 'primary-key') for (const c of columns) table.column(c).notNull = true;
  const constraint: Constraint = { name: '', type, columns, index: null };
  if (node.indexname) {
    // ADD CONSTRAINT … USING INDEX: the existing index becomes the constraint's, renamed to it.
    const index = model.indexes.get(node.indexname);
    if (!index || index.table !== table) throw new Unfollowable(`index "${node.indexname}" of "${table.name}" is not in the model`);
    constraint.name = node.conname ?? index.name;
    constraint.columns = [...index.columns];
    model.addConstraint(table, constraint);
    index.constraint = constraint;
    constraint.index = index;
    if (index.name !== constraint.name) model.renameIndex(index, constraint.name);
    return;
  }
  const label = type === 'primary-key' ? 'pkey' : type === 'unique' ? 'key' : 'excl';
  const addition = type === 'primary-key' ? null : nameAddition(indexColumnNames([...columns, ...strings(node.including)]));
  constraint.name =
    node.conname ?? chooseName(table.name, addition, label, (n) => model.relationNameTaken(n) || model.constraintNameTaken(n));
  model.addConstraint(table, constraint);
  constraint.index = model.addIndex(table, constraint.name, [...columns, ...strings(node.including)], constraint);
}

function createForeignKey(step: Step, table: Relation, node: ConstraintNode, column: string | null): void {
  const model = step.model;
  const columns = node.fk_attrs?.length ? strings(node.fk_attrs) : column ? [column] : [];
  const name = node.conname ?? chooseName(table.name, nameAddition(columns), 'fkey', (n) => model.constraintNameTaken(n));
  const pk = node.pktable;
  let references: Constraint['references'];
  if (pk && inTarget(step, pk) && model.relations.has(pk.relname ?? '')) {
    const target = model.relations.get(pk.relname ?? '')!;
    const keyColumns = node.pk_attrs?.length
      ? strings(node.pk_attrs)
      : [...(target.constraints.find((c) => c.type === 'primary-key')?.columns ?? [])];
    references = { relation: target, columns: keyColumns };
  } else {
    // A table outside the model (another schema, or one no replayed statement created): by name.
    references = { schema: pk?.schemaname ?? step.model.schema, name: pk?.relname ?? '' };
  }
  model.addConstraint(table, { name, type: 'foreign-key', columns, index: null, references });
}

/** Distinct column names an expression refers to (the server names a check after the only one). */
export function referencedColumns(expr: Node | undefined): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const ref = (value as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
    if (ref) {
      const last = ref.fields?.[ref.fields.length - 1];
      const name = last ? str(last) : '';
      if (name && !found.includes(name)) found.push(name);
      return;
    }
    for (const child of Object.values(value)) walk(child);
  };
  walk(expr);
  return found;
}
