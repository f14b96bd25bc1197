/** CREATE TABLE and ALTER TABLE, subcommand by subcommand. */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint as ConstraintNode, CreateStmt, Node } from 'libpg-query';
import { checkColumnDef, checkConstraint, createPending, defineColumn, noPending, queueConstraint } from './columns.js';
import { Relation, type Column } from './model.js';
import { columnDefault } from './defaults.js';
import { columnType } from './sql-types.js';
import { chooseName } from './names.js';
import { inTarget, type Step, type StepOutcome } from './step.js';
import { Unfollowable } from './unfollowable.js';

export function createTable(step: Step, stmt: CreateStmt): StepOutcome {
  if (!inTarget(step, stmt.relation)) return 'other-schema';
  const name = stmt.relation?.relname ?? '';
  if (stmt.partbound) throw new Unfollowable('PARTITION OF: the partition inherits columns and indexes the model does not copy');
  if (stmt.inhRelations?.length) throw new Unfollowable('INHERITS: inherited columns are not modelled');
  if (stmt.ofTypename) throw new Unfollowable('OF type: columns come from a type the model does not know');
  if (step.model.relationNameTaken(name)) {
    if (stmt.if_not_exists) return 'followed';
    throw new Unfollowable(`a relation named "${name}" already exists`);
  }
  const names = new Set<string>();
  for (const element of stmt.tableElts ?? []) {
    const def = (element as { ColumnDef?: ColumnDef }).ColumnDef;
    const constraint = (element as { Constraint?: ConstraintNode }).Constraint;
    if (def && names.has(def.colname ?? '')) throw new Unfollowable(`column "${def.colname ?? ''}" is defined twice`);
    if (def) names.add(def.colname ?? '');
    if (def) checkColumnDef(def, step.model.schema);
    else if (constraint) checkConstraint(constraint, '');
    else throw new Unfollowable(`${Object.keys(element)[0]} in CREATE TABLE is not modelled`);
  }
  const table = new Relation(name, stmt.partspec ? 'partitioned-table' : 'table', step.migration);
  const pending = noPending();
  for (const element of stmt.tableElts ?? []) {
    const def = (element as { ColumnDef?: ColumnDef }).ColumnDef;
    const constraint = (element as { Constraint?: ConstraintNode }).Constraint;
    if (def) {
      table.columns.push(defineColumn(step, table, def, pending, []));
    } else if (constraint) {
      if (constraint.contype === 'CONSTR_NOTNULL') continue; // table-level NOT NULL (18): the column's flag below
      queueConstraint(pending, constraint, null);
    }
  }
  for (const element of stmt.tableElts ?? []) {
    const constraint = (element as { Constraint?: ConstraintNode }).Constraint;
    if (constraint?.contype === 'CONSTR_NOTNULL') for (const key of constraint.keys ?? []) table.column(strOf(key)).notNull = true;
  }
  step.model.addRelation(table);
  createPending(step, table, pending);
  return 'followed';
}

function strOf(node: Node): string {
  return 'String' in node ? (node.String.sval ?? '') : '';
}

/** Subcommands with no effect on names, columns, types, nullability or defaults. */
const NO_MODEL_EFFECT = new Set<string>([
  'AT_ValidateConstraint',
  'AT_AlterConstraint',
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_ChangeOwner',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_SetLogged',
  'AT_SetUnLogged',
  'AT_SetAccessMethod',
  'AT_SetTableSpace',
  'AT_SetRelOptions',
  'AT_ResetRelOptions',
  'AT_ReplaceRelOptions',
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
  'AT_EnableRule',
  'AT_EnableAlwaysRule',
  'AT_EnableReplicaRule',
  'AT_DisableRule',
  'AT_ReplicaIdentity',
  'AT_EnableRowSecurity',
  'AT_DisableRowSecurity',
  'AT_ForceRowSecurity',
  'AT_NoForceRowSecurity',
  'AT_SetIdentity',
]);

const FOLLOWED = new Set<string>([
  'AT_AddColumn',
  'AT_DropColumn',
  'AT_ColumnDefault',
  'AT_DropNotNull',
  'AT_SetNotNull',
  'AT_AlterColumnType',
  'AT_AddConstraint',
  'AT_DropConstraint',
  'AT_AddIdentity',
  'AT_DropIdentity',
]);

export function alterTable(step: Step, stmt: AlterTableStmt): StepOutcome {
  if (!inTarget(step, stmt.relation)) return 'other-schema';
  const commands = (stmt.cmds ?? []).map((c) => (c as { AlterTableCmd: AlterTableCmd }).AlterTableCmd);
  // Every subcommand is checked before any is applied: a statement is followed whole or not at all.
  for (const cmd of commands) {
    const subtype = cmd.subtype ?? '';
    if (!FOLLOWED.has(subtype) && !NO_MODEL_EFFECT.has(subtype)) throw new Unfollowable(`ALTER … ${subtype.replace(/^AT_/, '')} is not modelled`);
    const def = (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
    if (subtype === 'AT_AddColumn' && def) checkColumnDef(def, step.model.schema);
    if (subtype === 'AT_AlterColumnType' && def?.typeName) columnType(def.typeName, step.model.schema);
    if (subtype === 'AT_AddConstraint') checkConstraint((cmd.def as { Constraint?: ConstraintNode } | undefined)?.Constraint, '');
  }
  const name = stmt.relation?.relname ?? '';
  if (!step.model.relations.has(name)) {
    if (stmt.missing_ok) return 'followed';
    if (commands.every((c) => NO_MODEL_EFFECT.has(c.subtype ?? ''))) return 'followed';
  }
  const table = step.model.relation(name);
  const pending = noPending();
  for (const cmd of commands) applyCommand(step, table, cmd, pending);
  createPending(step, table, pending);
  if (commands.some((c) => FOLLOWED.has(c.subtype ?? ''))) table.touch(step.migration);
  return 'followed';
}

function applyCommand(step: Step, table: Relation, cmd: AlterTableCmd, pending: ReturnType<typeof noPending>): void {
  const model = step.model;
  const columnName = cmd.name ?? '';
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
      if (!def) throw new Unfollowable('ADD COLUMN without a definition');
      if (cmd.missing_ok && table.columns.some((c) => c.name === def.colname)) return;
      // The column remembers the statements that added it, for a repair that replays them.
      table.columns.push(defineColumn(step, table, def, pending, [step.text]));
      return;
    }
    case 'AT_DropColumn':
      if (cmd.missing_ok && !table.columns.some((c) => c.name === columnName)) return;
      model.dropColumn(table, columnName);
      return;
    case 'AT_ColumnDefault': {
      const column = followUp(step, table, columnName);
      column.default = cmd.def ? columnDefault(step, cmd.def) : null;
      if (column.default?.kind === 'nextval') column.default.sequence.nextvalUsers.add(column);
      return;
    }
    case 'AT_DropNotNull':
      followUp(step, table, columnName).notNull = false;
      return;
    case 'AT_SetNotNull':
      followUp(step, table, columnName).notNull = true;
      return;
    case 'AT_AlterColumnType': {
      const def = (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
      if (!def?.typeName) throw new Unfollowable(`ALTER COLUMN "${columnName}" TYPE without a type`);
      const { type, serial } = columnType(def.typeName, step.model.schema);
      if (serial) throw new Unfollowable(`ALTER COLUMN "${columnName}" TYPE ${type}: serial is not a type`);
      followUp(step, table, columnName).type = type;
      return;
    }
    case 'AT_AddConstraint': {
      const node = (cmd.def as { Constraint?: ConstraintNode } | undefined)?.Constraint;
      if (!node) throw new Unfollowable('ADD CONSTRAINT without a definition');
      if (node.contype === 'CONSTR_NOTNULL') {
        for (const key of node.keys ?? []) followUp(step, table, strOf(key)).notNull = true;
        return;
      }
      queueConstraint(pending, node, null);
      return;
    }
    case 'AT_DropConstraint': {
      const constraint = table.constraints.find((c) => c.name === columnName);
      if (!constraint) {
        if (cmd.missing_ok) return;
        throw new Unfollowable(`constraint "${columnName}" of "${table.name}" is not in the model`);
      }
      model.dropConstraint(table, constraint);
      return;
    }
    case 'AT_AddIdentity': {
      const column = followUp(step, table, columnName);
      const sequenceName = chooseName(table.name, column.name, 'seq', (n) => model.relationNameTaken(n));
      const sequence = new Relation(sequenceName, 'sequence', step.migration);
      model.addRelation(sequence);
      model.own(sequence, { table, column: column.name });
      column.notNull = true;
      return;
    }
    case 'AT_DropIdentity': {
      for (const sequence of [...table.owns]) if (sequence.ownedBy?.column === columnName) model.dropRelation(sequence);
      return;
    }
    default:
      return; // NO_MODEL_EFFECT
  }
}

/**
 * The column a subcommand changes. A column this migration added keeps the statement too
 * (Django: `ADD COLUMN … DEFAULT 0 NOT NULL` then `ALTER COLUMN … DROP DEFAULT`).
 */
function followUp(step: Step, table: Relation, name: string): Column {
  const column = table.column(name);
  if (column.addSql.length > 0 && column.addedBy.id === step.migration.id && column.addSql.at(-1) !== step.text) column.addSql.push(step.text);
  return column;
}
