import type { Answered } from '../diagnose/types.js';
import type { CatalogRelation, ColumnInfo } from '../db/types.js';
import type { ExpectationCheck } from '../history/verify.js';
import type { MovableObjectKind } from './object-sql.js';

/** A planned change: exact SQL built from catalog names, plus the SQL that undoes it. */
export type RepairAction = MoveRelationAction | AddColumnAction | MoveObjectAction;

/** A routine, type, domain or whole extension moved with `ALTER … SET SCHEMA` (plan-objects.ts). */
export interface MoveObjectAction {
  readonly kind: 'move-object';
  /** Every finding this action answers, the one it was planned for first (see `Answered`). */
  readonly findings: Answered;
  readonly object: {
    readonly kind: MovableObjectKind;
    /** Catalog name (the extension's name for an extension). */
    readonly name: string;
    /** OID of the routine or type, 0 for an extension (verified through pg_extension). */
    readonly oid: number;
    /** Routines: `oidvectortypes(proargtypes)`, for `to_regprocedure` after the move. */
    readonly argTypes?: string | undefined;
  };
  readonly fromSchema: string;
  readonly toSchema: string;
  readonly sql: string;
  readonly rollbackSql: string;
}

export interface MoveRelationAction {
  readonly kind: 'move-relation';
  /** Every finding this action answers: two names for one relation are one move. */
  readonly findings: Answered;
  readonly relation: CatalogRelation;
  readonly fromSchema: string;
  readonly toSchema: string;
  /** e.g. `ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";` */
  readonly sql: string;
  readonly rollbackSql: string;
  /** Partitions (every level, same schema) moved in the same transaction as a partitioned table. */
  readonly partitions?: readonly CatalogRelation[] | undefined;
}

export interface AddColumnAction {
  readonly kind: 'add-column';
  /** Every finding this action answers (a column named two ways is one add). */
  readonly findings: Answered;
  readonly schema: string;
  readonly table: string;
  /** Schema of the stale copy the definition was taken from. */
  readonly copySchema: string;
  readonly column: ColumnInfo;
  readonly sql: string;
  /** `ALTER TABLE … DROP COLUMN …`: written to rollback.sql for a person; the tool never runs it. */
  readonly rollbackSql: string;
  /**
   * Set when the definition comes from the migration that added the column (no stale copy holds
   * it): which migration, and its statements as it ran them (quoted in the report).
   */
  readonly fromMigration?: { readonly id: string; readonly appliedAt: string | null; readonly statements: readonly string[] } | undefined;
}

export type RefusalReason =
  | 'not-found'
  | 'ambiguous'
  | 'already-in-target'
  | 'outside-source-schemas'
  | 'system-schema'
  | 'unsupported-kind'
  | 'unsafe-column'
  | 'source-schema-dependency'
  | 'column-present'
  | 'no-source-copy'
  /** `history` is configured and no applied migration created the object: never moved, never added. */
  | 'not-in-history'
  /** A routine of that name exists, but with other argument types than the call's. */
  | 'signature-mismatch'
  /** `history` is configured and its expected schema does not model this kind of object. */
  | 'not-modelled'
  /** The object belongs to an extension PostgreSQL cannot relocate: a person drops and recreates it. */
  | 'not-relocatable';

/** A finding the planner will not act on, and why. Refusals are reported, never guessed around. */
export interface Refusal {
  /** The finding refused, with where it was read. */
  readonly findings: Answered;
  readonly reason: RefusalReason;
  /** One sentence for the report: what was found and what a person should do. */
  readonly detail: string;
  /** SQL a person could review and run by hand (unsafe column adds), never run by the tool. */
  readonly suggestedSql?: string | undefined;
}

export type PlanItem =
  | { readonly type: 'action'; readonly action: RepairAction }
  | { readonly type: 'refusal'; readonly refusal: Refusal };

/** Verification after commit: the object is where it should be and nothing was lost. */
export interface Verification {
  readonly ok: boolean;
  /** e.g. `to_regclass('"public"."x"')` resolved. */
  readonly resolvesInTarget: boolean;
  readonly rowsBefore: number | null;
  readonly rowsAfter: number | null;
  /** Live columns before and after (a column add: after = before + 1). */
  readonly columnsBefore?: number | undefined;
  readonly columnsAfter?: number | undefined;
  /** Counts of indexes/constraints on the object before and after (tables only). */
  readonly indexesBefore?: number | undefined;
  readonly indexesAfter?: number | undefined;
  readonly constraintsBefore?: number | undefined;
  readonly constraintsAfter?: number | undefined;
  /**
   * A move's cheap proof (storage.ts): the same relation (OID) on the same files (relfilenode)
   * after the move, so no row was rewritten or lost; rows are counted only when `counted`.
   */
  readonly storage?: StorageCheck | undefined;
  /** Human-readable problems when !ok. */
  readonly problems: readonly string[];
  /** With `history`: the object compared with what its migrations say it should be. */
  readonly expectation?: ExpectationCheck | undefined;
}

export interface StorageCheck {
  readonly oid: number;
  readonly relfilenode: number;
  /** Same OID and relfilenode before and after (a partitioned table: every partition). */
  readonly unchanged: boolean;
  /** Planner's row estimate (`reltuples`), null when the table was never analysed. */
  readonly rowEstimate: number | null;
  /** On-disk size of the heap (all partitions), what decides whether rows are counted. */
  readonly bytes: number;
  /** Rows were counted exactly (small table, or `repair.verifyRowCounts`). */
  readonly counted: boolean;
}

/** What applying one action returned (the cascade adds the action, which carries its findings and their sources). */
export interface ApplyOutcome {
  readonly status: 'applied' | 'failed';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly verification?: Verification;
  readonly error?: string;
  readonly warnings: string[];
}

export interface RepairRecord {
  readonly action: RepairAction;
  /** planned: plan mode (nothing ran). applied: committed and verified. failed: rolled back. */
  readonly status: 'planned' | 'applied' | 'failed';
  readonly startedAt?: string | undefined;
  readonly durationMs?: number | undefined;
  readonly verification?: Verification | undefined;
  /** Database error message when status is failed (no secrets: it is PostgreSQL's text). */
  readonly error?: string | undefined;
  /** Things the move leaves behind (views still pointing at the old schema, trigger functions…). */
  readonly warnings: readonly string[];
}
