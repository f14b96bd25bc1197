/**
 * The app's own migration history as smoke-fix's authority on where every object belongs.
 *
 *   readers (django/, later sql folders)  ──► MigrationHistory   (what ran, in order, with its SQL)
 *   expected/ (real PostgreSQL parser)     ──► ExpectedSchema     (what should exist in the target)
 *   drift.ts  (expected vs pg_catalog)     ──► HistoryDrift       (misplaced, lost, different, …)
 *
 * Everything here is plain data: readers do I/O, the model and the comparison are pure.
 */
import type { SchemaScope } from '../db/types.js';

/** Where a statement or an object came from: `account.0001_initial`, applied at … */
export interface MigrationRef {
  /** Stable id: `app_label.name` for Django, the version for SQL folders (`V3__add_users`). */
  readonly id: string;
  /** When the history table says it was applied (ISO 8601), or null when it does not say. */
  readonly appliedAt: string | null;
}

/** One migration recorded as applied, with the SQL it ran (or, for Django, what sqlmigrate prints). */
export interface AppliedMigration extends MigrationRef {
  /** Django app label, when the history is Django's. */
  readonly app?: string | undefined;
  readonly name: string;
  /** SQL statements in order, one per entry (each may end with `;`). */
  readonly statements: readonly string[];
  /** What the reader could not turn into SQL (`RunPython ignored`, an operation with no SQL). */
  readonly notes: readonly string[];
  /**
   * Set when the history says the migration may have run only in part (a golang-migrate `dirty`
   * version): its statements are listed as not followed, with this reason, instead of replayed.
   */
  readonly notFollowed?: string | undefined;
}

export type HistorySource = 'django' | 'flyway' | 'golang-migrate' | 'dbmate' | 'prisma';

export interface MigrationHistory {
  readonly source: HistorySource;
  /** In the order they were applied (Django: the migration graph's order). */
  readonly migrations: readonly AppliedMigration[];
  /** Reader-level remarks for the report (e.g. migrations on disk never applied). */
  readonly warnings: readonly string[];
  /** Wall time to read the history, ms (for the report and the closing figures). */
  readonly durationMs: number;
}

// ---------------------------------------------------------------- the expected schema

export interface ExpectedColumn {
  readonly name: string;
  /**
   * The type as `pg_catalog.format_type()` prints it, so it compares with the catalog as a string:
   * `integer`, `character varying(100)`, `timestamp with time zone`, `numeric(10,2)`, `text[]`.
   */
  readonly type: string;
  readonly notNull: boolean;
  /** Default expression as written in the migration (null when none is left at the end). */
  readonly default: string | null;
  /** The migration that added this column (the table's creator for its original columns). */
  readonly addedBy: MigrationRef;
  /**
   * The statements that added it, exactly as the migration ran them (e.g. Django's
   * `ADD COLUMN "x" integer DEFAULT 0 NOT NULL` followed by `ALTER COLUMN "x" DROP DEFAULT`), for a
   * column add replayed from the migration itself. Empty for columns created with their table.
   */
  readonly addSql: readonly string[];
}

export type ExpectedConstraintType = 'primary-key' | 'foreign-key' | 'unique' | 'check' | 'exclusion';

export interface ExpectedConstraint {
  readonly name: string;
  readonly type: ExpectedConstraintType;
  /** For a foreign key: the table it references (schema is the target when unqualified). */
  readonly references?: { readonly schema: string; readonly name: string } | undefined;
}

export type ExpectedRelationKind = 'table' | 'partitioned-table' | 'view' | 'materialized-view' | 'sequence';

export interface ExpectedRelation {
  /** Name in the target schema, after every rename the history performed. */
  readonly name: string;
  readonly kind: ExpectedRelationKind;
  /** Columns in order (tables, views when known); empty for sequences. */
  readonly columns: readonly ExpectedColumn[];
  /** Index names (including those behind PK/UNIQUE constraints). */
  readonly indexes: readonly string[];
  readonly constraints: readonly ExpectedConstraint[];
  /** The migration whose statement created it (for a rebuilt table: the one that created the final copy). */
  readonly createdBy: MigrationRef;
  /** Later migrations that changed it (columns, indexes, constraints, renames), in order. */
  readonly changedBy: readonly MigrationRef[];
  /** For a sequence owned by a column (serial, identity): the table it belongs to. */
  readonly ownedBy?: string | undefined;
}

/** A statement the model could not follow: listed in the report, never guessed around. */
export interface UnfollowedStatement {
  readonly migration: MigrationRef;
  readonly statement: string;
  readonly reason: string;
}

export interface ExpectedSchema {
  /** The schema unqualified names resolve to (the config's `database.targetSchema`). */
  readonly schema: string;
  /** By relation name in the target schema. */
  readonly relations: ReadonlyMap<string, ExpectedRelation>;
  readonly unfollowed: readonly UnfollowedStatement[];
  /** Migrations replayed, statements replayed (for the report's figures). */
  readonly migrationCount: number;
  readonly statementCount: number;
  /** Statements that only named objects in another schema: ignored by the model, counted. */
  readonly otherSchemaStatements?: number | undefined;
}

// ---------------------------------------------------------------- drift against the expectation

export type ExpectedObjectState =
  /** In the target, as expected (or with differences: see `differences`). */
  | 'in-target'
  /** Not in the target, in exactly one source schema: what a history-backed move repairs. */
  | 'misplaced'
  /** Not in the target, in several source schemas: reported, never guessed. */
  | 'ambiguous'
  /** Nowhere: reported with the migration that created it; smoke-fix never creates it. */
  | 'lost';

export interface ObjectDrift {
  readonly expected: ExpectedRelation;
  readonly state: ExpectedObjectState;
  /** The source schema(s) holding it (misplaced: one; ambiguous: several). */
  readonly foundIn: readonly string[];
  /** Where the live object (target, or the single source copy) differs from the model. */
  readonly differences: readonly string[];
}

export interface HistoryDrift extends SchemaScope {
  readonly objects: readonly ObjectDrift[];
  /** Relations in a source schema that no applied migration created: never moved ("not the app's"). */
  readonly notTheApps: ReadonlyArray<{ readonly schema: string; readonly name: string; readonly kind: string }>;
  /** Stale copies in a source schema of an object the target already has. */
  readonly leftovers: ReadonlyArray<{ readonly schema: string; readonly name: string; readonly kind: string }>;
  /** Foreign keys from a target table into a source schema (a finding of their own). */
  readonly crossSchemaForeignKeys: ReadonlyArray<{
    readonly table: string;
    readonly constraint: string;
    readonly referencesSchema: string;
    readonly referencesName: string;
  }>;
}
