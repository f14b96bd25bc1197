/**
 * Pure SQL builders for repairs and their verification (node-pg-migrate style: small functions,
 * tested by exact string). Every identifier goes through `quoteIdent`/`qualified`, and every name
 * given to these functions comes from a `pg_catalog` row, never from HTTP text.
 */
import { qualified, quoteIdent, quoteLiteral } from '../db/quote.js';
import type { ColumnInfo, QualifiedName } from '../db/types.js';

export interface AddColumnInput {
  readonly schema: string;
  readonly table: string;
  readonly column: ColumnInfo;
}

/**
 * `ALTER TABLE "public"."t" ADD COLUMN "c" type [DEFAULT …] [NOT NULL];` with the stale copy's
 * definition. The type is `format_type()` output and the default `pg_get_expr()` output: both are
 * SQL the catalog printed, not text from a response body.
 */
export function addColumnSql(input: AddColumnInput): string {
  const { column } = input;
  const parts = [`ALTER TABLE ${qualified(input.schema, input.table)} ADD COLUMN ${quoteIdent(column.name)} ${column.type}`];
  if (column.identity) {
    parts.push(`GENERATED ${column.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  } else if (column.generated && column.default !== null) {
    parts.push(`GENERATED ALWAYS AS (${column.default}) STORED`);
  } else if (column.default !== null) {
    parts.push(`DEFAULT ${column.default}`);
  }
  if (column.notNull) parts.push('NOT NULL');
  return parts.join(' ') + ';';
}

/** Undo of `addColumnSql`, for rollback.sql only: a person may run it; smoke-fix never drops. */
export function addColumnRollbackSql(input: Omit<AddColumnInput, 'column'> & { readonly column: string }): string {
  return `ALTER TABLE ${qualified(input.schema, input.table)} DROP COLUMN ${quoteIdent(input.column)};`;
}

/** `BEGIN`'s companions: both timeouts scoped to the repair's own transaction. */
export function setLocalTimeoutsSql(options: { readonly lockTimeoutMs: number; readonly statementTimeoutMs: number }): string {
  return (
    `SET LOCAL lock_timeout = ${milliseconds('lockTimeoutMs', options.lockTimeoutMs)};\n` +
    `SET LOCAL statement_timeout = ${milliseconds('statementTimeoutMs', options.statementTimeoutMs)};`
  );
}

function milliseconds(key: string, value: number): string {
  // SET takes no parameters, so the number is spliced in: only ever a non-negative integer.
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${key} must be a non-negative integer of milliseconds, got ${value}`);
  return `${value}`;
}

/** A regclass literal of catalog names: `'"public"."x"'`. */
function regclassLiteral(relation: QualifiedName): string {
  return quoteLiteral(qualified(relation.schema, relation.name));
}

/** Verification: does the name resolve? Answers one boolean column `resolves`. */
export function resolvesSql(relation: QualifiedName): string {
  return `SELECT to_regclass(${regclassLiteral(relation)}) IS NOT NULL AS resolves`;
}

/** Exact row count (not the planner's estimate): one bigint column `n`. */
export function countRowsSql(relation: QualifiedName): string {
  return `SELECT count(*) AS n FROM ${qualified(relation.schema, relation.name)}`;
}

/**
 * Indexes on the relation; with `tree`, on the whole partition tree (the partitions' own indexes
 * move with each partition, so they count too). One int column `n`.
 */
export function countIndexesSql(relation: QualifiedName & { readonly tree?: boolean }): string {
  return `SELECT count(*)::int AS n FROM pg_catalog.pg_index WHERE indrelid ${relidMatch(relation)}`;
}

/** Live (not dropped) columns of the relation: a move keeps them, a column add raises them by one. */
export function countColumnsSql(relation: QualifiedName): string {
  return `SELECT count(*)::int AS n FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${regclassLiteral(relation)}) AND attnum > 0 AND NOT attisdropped`;
}

/** Constraints on the relation (or its partition tree), same shape as `countIndexesSql`. */
export function countConstraintsSql(relation: QualifiedName & { readonly tree?: boolean }): string {
  // NOT NULL constraints (contype 'n', PostgreSQL 18+) are column nullability, which a NOT NULL
  // column add legitimately adds; they are compared with the columns, not counted here.
  return `SELECT count(*)::int AS n FROM pg_catalog.pg_constraint WHERE contype <> 'n' AND conrelid ${relidMatch(relation)}`;
}

function relidMatch(relation: QualifiedName & { readonly tree?: boolean }): string {
  const literal = regclassLiteral(relation);
  return relation.tree
    ? `IN (SELECT relid FROM pg_catalog.pg_partition_tree(to_regclass(${literal})))`
    : `= to_regclass(${literal})`;
}

/** Verification of an added column: one boolean column `present`. */
export function columnPresentSql(input: { readonly schema: string; readonly table: string; readonly column: string }): string {
  return (
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(${regclassLiteral({ schema: input.schema, name: input.table })})` +
    ` AND attname = ${quoteLiteral(input.column)} AND attnum > 0 AND NOT attisdropped) AS present`
  );
}

/** Of the given `"schema"."name"` strings (catalog names), those that do not resolve: column `name`. */
export const UNRESOLVED_NAMES_SQL = 'SELECT u.name FROM unnest($1::text[]) AS u(name) WHERE to_regclass(u.name) IS NULL';

/** For a warning: move a function a moved table's trigger still calls. `args` is pg_get_function_identity_arguments output. */
export function moveFunctionSql(input: { readonly schema: string; readonly name: string; readonly args: string; readonly toSchema: string }): string {
  return `ALTER FUNCTION ${qualified(input.schema, input.name)}(${input.args}) SET SCHEMA ${quoteIdent(input.toSchema)};`;
}

/** For a warning: move a type a moved table's column still uses. */
export function moveTypeSql(input: { readonly schema: string; readonly name: string; readonly toSchema: string }): string {
  return `ALTER TYPE ${qualified(input.schema, input.name)} SET SCHEMA ${quoteIdent(input.toSchema)};`;
}
