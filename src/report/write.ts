/**
 * Writes every report of one run into a NEW folder under `dir`, named from the start time and the
 * outcome (`2026-11-23T22-10-05Z-green`). A folder that exists is never reused: the name gets a
 * suffix, and the folder is claimed with a non-recursive mkdir so two runs cannot share one.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunResult } from '../result.js';
import { createMasker, type Masker } from '../util/secret-masker.js';
import { claimFolder, writeFileAtomic, writeNewFile } from './files.js';
import { renderJsonChunks } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderRepairSql, renderRollbackSql } from './sql.js';

export type ReportKind = 'markdown' | 'json' | 'junit' | 'repairSql' | 'rollbackSql';

export const REPORT_FILE_NAMES: Readonly<Record<ReportKind, string>> = {
  markdown: 'report.md',
  json: 'report.json',
  junit: 'junit.xml',
  repairSql: 'repair.sql',
  rollbackSql: 'rollback.sql',
};

export interface WriteReportsOptions {
  /** Parent folder (`report.dir`); created if missing. */
  readonly dir: string;
  /**
   * Last safety net: values masked in every file. The RunResult holds no bodies or cookies, but a
   * secret echoed inside an error message would otherwise reach the report.
   */
  readonly secrets?: readonly string[] | undefined;
  /** The run's masker (wins over `secrets`). */
  readonly masker?: Masker | undefined;
  /**
   * The run folder a journal (journal.ts) already holds: the reports go into it, and the final
   * repair.sql/rollback.sql replace the journal's atomically, unless the journal recorded more
   * committed changes than the result lists (then the journal's files are the truth and stay).
   */
  readonly journal?: { readonly dir: string; readonly recorded: number } | undefined;
}

export interface WrittenReports {
  /** The run's own folder (absolute). */
  readonly dir: string;
  /** Absolute path of each file. */
  readonly files: Record<ReportKind, string>;
}

/** `2026-11-23T22:10:05.412Z` + green → `2026-11-23T22-10-05Z-green` (safe on every filesystem). */
export function runFolderName(result: Pick<RunResult, 'startedAt' | 'outcome'>): string {
  const d = new Date(result.startedAt);
  const stamp = Number.isNaN(d.getTime())
    ? 'unknown-time'
    : d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `${stamp}-${result.outcome.replace(/[^a-z0-9-]/gi, '')}`;
}

export async function writeReports(result: RunResult, options: WriteReportsOptions): Promise<WrittenReports> {
  const parent = resolve(options.dir);
  await mkdir(parent, { recursive: true });
  const masker = options.masker ?? createMasker(options.secrets ?? []);
  // Masked BEFORE rendering: each format escapes text its own way (`\<` in markdown, `&lt;` in
  // XML, `\"` in JSON), so masking only the output could miss a secret that got escaped.
  const safe = masker.maskDeep(result);
  const journal = options.journal;
  const dir = journal ? journal.dir : await claimFolder(parent, runFolderName(safe));
  const applied = safe.rounds.reduce((n, r) => n + r.repairs.filter((x) => x.status === 'applied').length, 0);
  const keepJournal = journal !== undefined && applied < journal.recorded;
  // Rendered, masked and written one at a time: at 10,000 endpoints each text is megabytes, and
  // holding all five (and their masked copies) at once set the run's peak memory. report.json,
  // the largest by far, is written piece by piece as it is rendered.
  const render: Record<ReportKind, () => Iterable<string>> = {
    markdown: () => [renderMarkdown(safe)],
    json: () => renderJsonChunks(safe),
    junit: () => [renderJunit(safe)],
    repairSql: () => [renderRepairSql(safe)],
    rollbackSql: () => [renderRollbackSql(safe)],
  };
  const files = {} as Record<ReportKind, string>;
  for (const kind of Object.keys(REPORT_FILE_NAMES) as ReportKind[]) {
    const path = join(dir, REPORT_FILE_NAMES[kind]);
    files[kind] = path;
    if (journal && (kind === 'repairSql' || kind === 'rollbackSql')) {
      if (!keepJournal) await writeFileAtomic(path, [...masker.maskChunks(render[kind]())].join(''));
      continue;
    }
    // The folder is new, so an existing file here would mean a bug; never overwrite it.
    // Masked again on the way out: the other renderers add text of their own (headings, comments,
    // attributes). report.json is not: every string in it is a value of `safe`, and its own text
    // is keys, punctuation and numbers; a second pass over its 18 MB (at 10,000 endpoints) bought
    // nothing, and could turn a number that happens to equal an all-digit secret into `***`,
    // leaving the file unreadable as JSON.
    await writeNewFile(path, kind === 'json' ? render[kind]() : masker.maskChunks(render[kind]()));
  }
  return { dir, files };
}
