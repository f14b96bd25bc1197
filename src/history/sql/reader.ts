/** What each format's reader is given and returns (one small file per tool). */
import type pg from 'pg';
import type { AppliedMigration } from '../types.js';

export interface FormatContext {
  readonly pool: pg.Pool;
  /** Absolute migrations folder. */
  readonly dir: string;
  /** `history.sql.table`, when set (else the tool's default name). */
  readonly table?: string | undefined;
  /** Where an unqualified table name is looked for: the target schema, then the sources. */
  readonly schemas: readonly string[];
}

export interface FormatResult {
  readonly migrations: AppliedMigration[];
  readonly warnings: string[];
}

/** An applied migration from a file: its statements as the parser cut them. */
export function applied(id: string, name: string, appliedAt: string | null, statements: string[], extra: Partial<AppliedMigration> = {}): AppliedMigration {
  return { id, name, appliedAt, statements, notes: [], ...extra };
}

/** A timestamp column as ISO 8601 (pg returns Date for timestamp columns). */
export function iso(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : null;
}
