/**
 * What `diagnose` extracts from text. Names here come from HTTP bodies and log files: they are
 * hostile input. They may only travel to the database as query parameters (see `db/locate.ts`).
 */

/** Where a finding was read. */
export type FindingSource =
  | { readonly type: 'body'; readonly endpoint: string }
  | { readonly type: 'log'; readonly file: string; readonly endpoint?: string | undefined; readonly request?: string | undefined }
  | { readonly type: 'server-log'; readonly endpoint?: string | undefined; readonly request?: string | undefined }
  /** `repair.scope: history`: the expected schema proves the object misplaced; no error text needed. */
  | { readonly type: 'history'; readonly migration: string; readonly endpoint?: undefined; readonly request?: undefined };

export interface MissingRelationFinding {
  readonly kind: 'missing-relation';
  /** Relation name exactly as the message gives it (case kept, schema prefix removed). */
  readonly name: string;
  /** Schema named in the message (`relation "public.x"`), if any. */
  readonly schema?: string | undefined;
  /** The matched error sentence, for the report (already entity-decoded, trimmed to ~300 chars). */
  readonly message: string;
  /** Language of the matched message, ISO code (`en`, `de`, …), or `sqlstate` for a code-only match. */
  readonly language: string;
}

export interface MissingColumnFinding {
  readonly kind: 'missing-column';
  readonly column: string;
  /** Table (or alias!) the message names, when it names one. */
  readonly table?: string | undefined;
  readonly schema?: string | undefined;
  readonly message: string;
  readonly language: string;
}

/**
 * `function f(integer) does not exist` (42883), also `procedure …` and `aggregate …`: a routine
 * the app calls by name. `args` is the argument list as PostgreSQL printed it (`integer, text`),
 * compared with `pg_get_function_identity_arguments` of each candidate.
 */
export interface MissingFunctionFinding {
  readonly kind: 'missing-function';
  readonly name: string;
  readonly schema?: string | undefined;
  /** Argument types between the parentheses, as printed (may be `` for none). */
  readonly args: string;
  /** Which sentence: a CALL says `procedure`, DROP/ALTER AGGREGATE says `aggregate`. */
  readonly routine: 'function' | 'procedure' | 'aggregate';
  readonly message: string;
  readonly language: string;
}

/** `type "x" does not exist` (42704): a type, enum or domain the app names (`'a'::mood`). */
export interface MissingTypeFinding {
  readonly kind: 'missing-type';
  readonly name: string;
  readonly schema?: string | undefined;
  readonly message: string;
  readonly language: string;
}

/** Findings about objects other than relations and columns (src/repair/plan-objects.ts). */
export type ObjectFinding = MissingFunctionFinding | MissingTypeFinding;

export type Finding = MissingRelationFinding | MissingColumnFinding | MissingFunctionFinding | MissingTypeFinding;

/** A finding together with one place it was read (a round's findings, flattened per place). */
export interface SourcedFinding {
  readonly finding: Finding;
  readonly source: FindingSource;
}

/**
 * The identity of a finding: two findings with the same key are the same error, however many
 * places it was read. Computed once, where findings are collected (cascade/findings.ts); everything
 * downstream carries it instead of recomputing it.
 */
export type FindingKey = string & { readonly __brand: 'FindingKey' };

/** `relation:public.x`, `column:.t.c`, `function:.f(integer)`, `type:.mood`. */
export function findingKey(f: Finding): FindingKey {
  if (f.kind === 'missing-function') return `function:${f.schema ?? ''}.${f.name}(${f.args})` as FindingKey;
  if (f.kind === 'missing-type') return `type:${f.schema ?? ''}.${f.name}` as FindingKey;
  return (f.kind === 'missing-relation' ? `relation:${f.schema ?? ''}.${f.name}` : `column:${f.schema ?? ''}.${f.table ?? ''}.${f.column}`) as FindingKey;
}

/** One finding of a round with its identity and every place it was read: what locate, plan and the reports carry. */
export interface CollectedFinding<F extends Finding = Finding> {
  readonly key: FindingKey;
  readonly finding: F;
  readonly sources: readonly FindingSource[];
}

/** A collected finding of one of these kinds (`is(c, 'missing-relation')` narrows `c.finding`). */
export function is<K extends Finding['kind']>(c: CollectedFinding, ...kinds: K[]): c is CollectedFinding<Extract<Finding, { kind: K }>> {
  return (kinds as readonly string[]).includes(c.finding.kind);
}

/** What an action or a refusal answers: at least one finding, the first being the one it was planned for. */
export type Answered = readonly [CollectedFinding, ...CollectedFinding[]];

/** Every place the findings were read, in order. */
export function sourcesOf(findings: readonly CollectedFinding[]): FindingSource[] {
  return findings.flatMap((f) => f.sources);
}
