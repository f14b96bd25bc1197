/** What the catalog says about a name. Built only from `pg_catalog` rows, never from HTTP text. */

export type RelationKind =
  | 'table'
  | 'partitioned-table'
  | 'view'
  | 'materialized-view'
  | 'sequence'
  | 'foreign-table'
  | 'index'
  | 'partitioned-index'
  | 'composite-type'
  | 'toast';

/** `pg_class.relkind` → RelationKind. */
export const RELKIND: Readonly<Record<string, RelationKind>> = {
  r: 'table',
  p: 'partitioned-table',
  v: 'view',
  m: 'materialized-view',
  S: 'sequence',
  f: 'foreign-table',
  i: 'index',
  I: 'partitioned-index',
  c: 'composite-type',
  t: 'toast',
};

export interface CatalogRelation {
  readonly oid: number;
  /** Schema name as stored in `pg_namespace.nspname`. */
  readonly schema: string;
  /** Relation name as stored in `pg_class.relname`. */
  readonly name: string;
  readonly kind: RelationKind;
  /** `pg_class.reltuples` (may be -1 for never-analysed tables; 0 for views). */
  readonly rowEstimate: number;
  /** True when the relation is a partition of another table (moves with its parent). */
  readonly isPartition: boolean;
}

/** Where one looked-up name lives. */
export interface RelationLocation {
  /** The name that was asked for (from a finding). */
  readonly name: string;
  /** The relation of that name in the target schema, if there is one. */
  readonly inTarget: CatalogRelation | null;
  /** Relations of that name in the allowed source schemas. */
  readonly inSources: readonly CatalogRelation[];
  /** Relations of that name in any other schema (system schemas included), for the refusal reason. */
  readonly elsewhere: readonly CatalogRelation[];
}

export interface ColumnInfo {
  readonly name: string;
  /** `format_type(atttypid, atttypmod)`, e.g. `timestamp with time zone`, `character varying(20)`. */
  readonly type: string;
  readonly notNull: boolean;
  /** `pg_get_expr(adbin, adrelid)`, or null when there is no default. */
  readonly default: string | null;
  /** True when the default is a constant (no function call, no sequence): safe to add on a full table. */
  readonly defaultIsConstant: boolean;
}

/** Where a missing column could come from. */
export interface ColumnLocation {
  readonly column: string;
  /** Target-schema table the column is missing from (resolved from the finding or the catalog). */
  readonly table: string | null;
  /** Target tables that lack the column, when the finding named no table (for "ambiguous"). */
  readonly candidates: readonly string[];
  /** True when the target table already has the column (nothing to add). */
  readonly presentInTarget: boolean;
  /** Source-schema copies of the table that have the column. */
  readonly sourceCopies: ReadonlyArray<{ readonly schema: string; readonly column: ColumnInfo }>;
}
