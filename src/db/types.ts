/** What the catalog says about a name. Built only from `pg_catalog` rows, never from HTTP text. */
import type { TableRows } from './table-rows.js';

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

/** The schemas a run works between (the config's `database.targetSchema` and `sourceSchemas`). */
export interface SchemaScope {
  readonly targetSchema: string;
  readonly sourceSchemas: readonly string[];
}

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
  /** For a partition: the root of its partition tree (the table that gets moved). */
  readonly partitionOf?: QualifiedName | undefined;
  /**
   * For a partitioned table: its partitions (every level) in the same schema. PostgreSQL does not
   * move partitions with their parent, so a move must name each of them.
   */
  readonly partitions?: readonly CatalogRelation[] | undefined;
  /** For a sequence owned by a column (serial/identity): the table it moves with. */
  readonly ownedBy?: QualifiedName | undefined;
}

export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/**
 * The one thing locate/scan/apply need from a connection: `pg.Pool`, `pg.PoolClient` and
 * `pg.Client` all fit, and a test can wrap one to count the queries a function sends.
 */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[] }>;
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
  /** `GENERATED ALWAYS AS (default) STORED`: `default` holds the generation expression. */
  readonly generated?: boolean | undefined;
  /** Identity column (`GENERATED ALWAYS|BY DEFAULT AS IDENTITY`). */
  readonly identity?: 'always' | 'by default' | undefined;
  /**
   * Objects in a source schema the column's type, collation or default relies on
   * (`type test_schema.mood`, `function test_schema.make_code()`): a copy would keep depending on them.
   */
  readonly sourceSchemaObjects?: readonly string[] | undefined;
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
  /** False when `table` names a table that exists only in a source schema, not in the target. */
  readonly targetTableExists?: boolean | undefined;
  /** Source-schema copies of the table that have the column. */
  readonly sourceCopies: ReadonlyArray<{ readonly schema: string; readonly column: ColumnInfo }>;
  /** Rows of the target table, so a refusal can say whether adding the column could fail. */
  readonly targetRows?: TableRows | undefined;
}

/** `smoke-fix scan`: the whole drift between the source schemas and the target at once. */
export interface DriftScan extends SchemaScope {
  /** Relations in a source schema whose name the target lacks: what `run` would move. */
  readonly missingFromTarget: readonly MisplacedRelation[];
  /** Names present in the target AND a source schema (a stale copy, or a real conflict). */
  readonly inBoth: readonly DuplicatedName[];
  /** Tables in both: columns one copy has and the other lacks. */
  readonly columnDifferences: readonly ColumnDifference[];
}

export interface MisplacedRelation {
  readonly relation: CatalogRelation;
  /** The statement(s) `run` would execute; null when the name is in several source schemas. */
  readonly moveSql: string | null;
  /** Other source schemas holding the same name (non-empty means ambiguous). */
  readonly alsoIn: readonly string[];
  /** Rows of a table (exact when small, see db/table-rows.ts); absent for views and sequences. */
  readonly rows?: TableRows | undefined;
}

/** What is still in the source schemas at the end of a run (relations the target lacks), by the history or by the scan. */
export interface LeftInSources {
  readonly schema: string;
  readonly name: string;
  readonly kind: string;
}

export interface DuplicatedName {
  readonly name: string;
  readonly target: CatalogRelation;
  readonly source: CatalogRelation;
}

export interface ColumnDifference {
  readonly table: string;
  readonly sourceSchema: string;
  /** Columns the target table has and the source copy lacks. */
  readonly onlyInTarget: readonly ColumnInfo[];
  /** Columns the source copy has and the target table lacks (what a missing-column repair adds). */
  readonly onlyInSource: readonly ColumnInfo[];
}
