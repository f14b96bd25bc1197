/**
 * How people read a finding: the one place its words are chosen (terminal, reasons, report.md,
 * repair.sql). Raw text: each format escapes it its own way.
 */
import type { Finding, FindingSource } from './types.js';

/** The name alone, as report.md sets it in code: `x`, `teams_membership.left_at`, `f(integer)`. */
export function findingName(f: Finding): string {
  if (f.kind === 'missing-function') return `${f.name}(${f.args})`;
  return f.kind !== 'missing-column' ? f.name : [f.table, f.column].filter(Boolean).join('.');
}

/** What the finding names, with its kind and schema: `relation "public.x"`, `column "t.x"`, `function f(integer)`. */
export function describeFinding(f: Finding): string {
  if (f.kind === 'missing-function') return `${f.routine} ${f.schema ? f.schema + '.' : ''}${f.name}(${f.args})`;
  if (f.kind === 'missing-type') return `type "${f.schema ? f.schema + '.' : ''}${f.name}"`;
  if (f.kind === 'missing-relation') return `relation "${f.schema ? f.schema + '.' : ''}${f.name}"`;
  const owner = [f.schema, f.table].filter(Boolean).join('.');
  return `column "${owner ? owner + '.' : ''}${f.column}"`;
}

/**
 * Where a finding was read, in the words every output uses: `response body`, `log file /var/log/app.log`,
 * `PostgreSQL server log`, `the migration history`. Which request or migration it came with is the caller's to add.
 */
export function sourcePlace(source: FindingSource): string {
  switch (source.type) {
    case 'body':
      return 'response body';
    case 'log':
      return `log file ${source.file}`;
    case 'server-log':
      return 'PostgreSQL server log';
    case 'history':
      return 'the migration history';
  }
}
