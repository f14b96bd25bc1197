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

/** A finding together with where it was read. The cascade attaches the source. */
export interface SourcedFinding {
  readonly finding: Finding;
  readonly source: FindingSource;
}

/** Plain text for people: `relation "public.x"`, `column "t.x"` (reports, reasons, progress). */
export function describeFinding(f: Finding): string {
  if (f.kind === 'missing-function') return `${f.routine} ${f.schema ? f.schema + '.' : ''}${f.name}(${f.args})`;
  if (f.kind === 'missing-type') return `type "${f.schema ? f.schema + '.' : ''}${f.name}"`;
  if (f.kind === 'missing-relation') return `relation "${f.schema ? f.schema + '.' : ''}${f.name}"`;
  const owner = [f.schema, f.table].filter(Boolean).join('.');
  return `column "${owner ? owner + '.' : ''}${f.column}"`;
}

/** Stable key used to de-duplicate findings within a round. */
export function findingKey(f: Finding): string {
  if (f.kind === 'missing-function') return `function:${f.schema ?? ''}.${f.name}(${f.args})`;
  if (f.kind === 'missing-type') return `type:${f.schema ?? ''}.${f.name}`;
  return f.kind === 'missing-relation'
    ? `relation:${f.schema ?? ''}.${f.name}`
    : `column:${f.schema ?? ''}.${f.table ?? ''}.${f.column}`;
}
