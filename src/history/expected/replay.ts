/** One statement → the handler for its kind; what the model does not follow is said, not guessed. */
import type { Node } from 'libpg-query';
import { alterTable, createTable } from './tables.js';
import { alterSequence, createIndex, createSequence, createTableAs, createView, drop, rename, setSchema } from './relations.js';
import type { Step, StepOutcome } from './step.js';
import { Unfollowable } from './unfollowable.js';

/** Statements with no effect on the schema's relations: skipped silently. */
const NO_SCHEMA_EFFECT = new Set([
  'VariableShowStmt',
  'ConstraintsSetStmt', // Django: SET CONSTRAINTS … IMMEDIATE around an AlterField
  'LockStmt',
  'VacuumStmt',
  'RefreshMatViewStmt',
  'NotifyStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'CommentStmt',
  'GrantStmt',
  'GrantRoleStmt',
]);

export function replayStatement(step: Step, node: Node): StepOutcome | 'no-effect' {
  const [kind] = Object.keys(node);
  const body = (node as Record<string, unknown>)[kind ?? ''] as never;
  switch (kind) {
    case 'CreateStmt':
      return createTable(step, body);
    case 'AlterTableStmt':
      return alterTable(step, body);
    case 'IndexStmt':
      return createIndex(step, body);
    case 'DropStmt':
      return drop(step, body);
    case 'RenameStmt':
      return rename(step, body);
    case 'AlterObjectSchemaStmt':
      return setSchema(step, body);
    case 'CreateSeqStmt':
      return createSequence(step, body);
    case 'AlterSeqStmt':
      return alterSequence(step, body);
    case 'ViewStmt':
      return createView(step, body);
    case 'CreateTableAsStmt':
      return createTableAs(step, body);
    case 'TransactionStmt': {
      const tx = (body as { kind?: string }).kind;
      if (tx === 'TRANS_STMT_BEGIN' || tx === 'TRANS_STMT_START' || tx === 'TRANS_STMT_COMMIT') return 'no-effect';
      throw new Unfollowable(`${tx ?? 'transaction statement'}: the model does not undo or split transactions`);
    }
    case 'CreateSchemaStmt': {
      // A schema holds nothing until something is created in it; CREATE SCHEMA … CREATE TABLE does.
      const schema = body as { schemaname?: string; schemaElts?: unknown[] };
      if (schema.schemaElts?.length) throw new Unfollowable('CREATE SCHEMA with elements is not modelled');
      return schema.schemaname === step.model.schema ? 'no-effect' : 'other-schema';
    }
    case 'VariableSetStmt':
      return searchPath(step, body);
    case 'SelectStmt':
      if ((body as { intoClause?: unknown }).intoClause) throw new Unfollowable('SELECT … INTO creates a table from a query the model does not run');
      return 'no-effect';
    default:
      if (kind && NO_SCHEMA_EFFECT.has(kind)) return 'no-effect';
      throw new Unfollowable(`${kind ?? 'this statement'} is not followed by the model`);
  }
}

/**
 * SET has no effect on the schema, except SET search_path to a path that does not start with the
 * target: the migrations after it may have created their tables elsewhere (the incident itself).
 * The model still reads unqualified names as the target, so it says so instead of guessing.
 */
function searchPath(step: Step, stmt: { name?: string; kind?: string; args?: Node[] }): 'no-effect' {
  if (stmt.name !== 'search_path' || stmt.kind !== 'VAR_SET_VALUE') return 'no-effect';
  const names = (stmt.args ?? []).map((a) => ('A_Const' in a ? a.A_Const.sval?.sval : 'String' in a ? a.String.sval : undefined));
  // "$user" names a schema per role, usually absent: the first real entry decides.
  const schema = names.find((n) => n !== '$user');
  if (schema === step.model.schema) return 'no-effect';
  throw new Unfollowable(
    `search_path set to ${schema ?? 'an expression'}: later unqualified names are still modelled in ${step.model.schema}`,
  );
}
