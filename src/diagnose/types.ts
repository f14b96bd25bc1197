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

export type Finding = MissingRelationFinding | MissingColumnFinding;

/** A finding together with where it was read. The cascade attaches the source. */
export interface SourcedFinding {
  readonly finding: Finding;
  readonly source: FindingSource;
}

/** Plain text for people: `relation "public.x"`, `column "t.x"` (reports, reasons, progress). */
export function describeFinding(f: Finding): string {
  if (f.kind === 'missing-relation') return `relation "${f.schema ? f.schema + '.' : ''}${f.name}"`;
  const owner = [f.schema, f.table].filter(Boolean).join('.');
  return `column "${owner ? owner + '.' : ''}${f.column}"`;
}

/** Stable key used to de-duplicate findings within a round. */
export function findingKey(f: Finding): string {
  return f.kind === 'missing-relation'
    ? `relation:${f.schema ?? ''}.${f.name}`
    : `column:${f.schema ?? ''}.${f.table ?? ''}.${f.column}`;
}
