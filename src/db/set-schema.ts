/**
 * `ALTER … SET SCHEMA` for the relation kinds that can move on their own: what the scan offers for
 * each misplaced relation and what the planner runs. Names come from `pg_catalog` rows.
 */
import { qualified, quoteIdent } from './quote.js';
import type { RelationKind } from './types.js';

/** Kinds that `SET SCHEMA` can move on their own. Indexes, toast tables and composite types cannot. */
export type MovableKind = 'table' | 'partitioned-table' | 'foreign-table' | 'view' | 'materialized-view' | 'sequence';

const ALTER_BY_KIND: Readonly<Record<MovableKind, string>> = {
  // ALTER TABLE accepts foreign tables too, so one spelling covers every table-like kind.
  table: 'ALTER TABLE',
  'partitioned-table': 'ALTER TABLE',
  'foreign-table': 'ALTER TABLE',
  view: 'ALTER VIEW',
  'materialized-view': 'ALTER MATERIALIZED VIEW',
  sequence: 'ALTER SEQUENCE',
};

export function isMovableKind(kind: RelationKind): kind is MovableKind {
  return Object.hasOwn(ALTER_BY_KIND, kind);
}

export interface MoveInput {
  readonly kind: MovableKind;
  readonly name: string;
  readonly fromSchema: string;
  readonly toSchema: string;
  /** Partitions of a partitioned table (every level, names in `fromSchema`), moved right after it. */
  readonly partitions?: readonly string[];
}

/** `ALTER TABLE "src"."t" SET SCHEMA "target";` (one line per statement; partitions follow the parent). */
export function moveSql(input: MoveInput): string {
  return setSchemaStatements(input, input.fromSchema, input.toSchema).join('\n');
}

/** The inverse of `moveSql`: everything back to the source schema, partitions first. */
export function moveRollbackSql(input: MoveInput): string {
  return setSchemaStatements(input, input.toSchema, input.fromSchema).reverse().join('\n');
}

function setSchemaStatements(input: MoveInput, from: string, to: string): string[] {
  const alter = ALTER_BY_KIND[input.kind];
  const statements = [`${alter} ${qualified(from, input.name)} SET SCHEMA ${quoteIdent(to)};`];
  // PostgreSQL moves indexes, constraints and owned sequences with a table, but not its partitions.
  for (const partition of input.partitions ?? []) {
    statements.push(`ALTER TABLE ${qualified(from, partition)} SET SCHEMA ${quoteIdent(to)};`);
  }
  return statements;
}
