/**
 * The record of an applying run, written as it goes (a journal, not a final dump), so that every
 * committed change is on disk whatever happens to the process afterwards — `kill -9` included.
 *
 * - The run folder `<time>-running`, `repair.sql` and `rollback.sql` are created and fsynced
 *   before the first change. A folder that cannot be written stops the run before any DDL.
 * - `repair.sql` is append-only: before each change an intent line, after its COMMIT the block,
 *   each fsynced, the block only after rollback.sql holds the change's undo. An intent line with no block after it is the one change whose fate is unknown
 *   (the process died between COMMIT and the write): the line says so and how to check.
 * - `rollback.sql` must undo the latest change first, and a file cannot grow at its start. So it
 *   is rewritten whole after each COMMIT: written to a temporary file, fsynced, renamed over the
 *   old one (atomic on POSIX), and the folder fsynced. A reader, or a crash, sees the old complete
 *   file or the new complete file, never half of one. Rewriting costs the size of the file, a few
 *   hundred bytes per change, against a DDL statement's commit: negligible at any realistic count.
 * - At the end the folder is renamed to its final name (`…-green`) and the reports written into it.
 */
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ReportWriteError } from '../errors.js';
import type { RepairAction, RepairRecord } from '../repair/types.js';
import { createMasker, type Masker } from '../util/secret-masker.js';
import { claimFolder, syncDir, writeFileAtomic } from './files.js';
import { guardedReverseSql } from '../repair/guarded-sql.js';
import { sqlComment } from '../db/quote.js';
import { block, header, PSQL_SAFETY, repairFor, type SqlHeaderFields } from './sql.js';

export type JournalHeader = Omit<SqlHeaderFields, 'outcome' | 'mode'>;

interface Entry {
  readonly round: number;
  readonly record: RepairRecord;
}

export interface JournalOptions {
  /** `report.dir`: the parent of the run folder; created if missing. */
  readonly parent: string;
  /** The folder's name while the run is in progress, e.g. `2026-11-30T05-00-00Z-running`. */
  readonly name: string;
  readonly header: JournalHeader;
  /** The run's masker: the scripts hold catalog names only, but nothing leaves unmasked. */
  readonly masker?: Masker | undefined;
}

function describeWriteError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
  return `${e?.message ?? String(error)}${code}`;
}

export class RunJournal {
  private readonly entries: Entry[] = [];
  /** How many of `entries` the rollback.sql on disk undoes (less when a rewrite failed). */
  private undone = 0;
  /**
   * The change under way (between its "starting" line and its outcome). Its undo is already in
   * rollback.sql, guarded so that it does nothing unless the change committed: a `kill -9` between
   * COMMIT and the block in repair.sql leaves a rollback.sql that still restores the catalog.
   */
  private pending: { readonly round: number; readonly action: RepairAction } | undefined;
  /** The first write that failed after the journal was opened; no further change may be made. */
  private failure: Error | undefined;

  private constructor(
    private folder: string,
    private readonly head: JournalHeader,
    private readonly masker: Masker,
  ) {}

  /** Create the run folder and both scripts, fsynced; any failure is a ReportWriteError (exit 3). */
  static async open(options: JournalOptions): Promise<RunJournal> {
    const parent = resolve(options.parent);
    const journal = new RunJournal(join(parent, options.name), options.header, options.masker ?? createMasker());
    try {
      await mkdir(parent, { recursive: true });
      journal.folder = await claimFolder(parent, options.name);
      await writeFile(journal.path('repair.sql'), journal.mask(journal.repairHeader()), { flag: 'wx' });
      await journal.sync('repair.sql');
      await writeFileAtomic(journal.path('rollback.sql'), journal.mask(journal.rollbackText()));
    } catch (error) {
      throw new ReportWriteError(
        `Cannot write the run record under ${parent}: ${describeWriteError(error)}. Nothing was changed; make report.dir (or --report-dir) a writable folder with free space and run again.`,
        { cause: error },
      );
    }
    return journal;
  }

  get dir(): string {
    return this.folder;
  }

  /** Changes committed and recorded so far. */
  get recorded(): number {
    return this.entries.length;
  }

  /** Throws when an earlier write failed: a change that could not be recorded must not be made. */
  assertWritable(): void {
    if (this.failure) {
      throw new ReportWriteError(
        `The run record in ${this.folder} could not be written (${describeWriteError(this.failure)}); no further change was made. ${this.whatIsRecorded()}`,
        { cause: this.failure },
      );
    }
  }

  /**
   * What a person finds on disk, and the undo statements that did not reach rollback.sql (so they
   * are at least in the error message on stderr).
   */
  whatIsRecorded(): string {
    const missing = this.entries.slice(this.undone).reverse().map((e) => e.record.action.rollbackSql);
    return (
      `repair.sql there lists the ${this.entries.length} change(s) this run committed (a "starting" line without its block marks a change whose record could not be completed); ` +
      (missing.length === 0
        ? 'rollback.sql undoes all of them.'
        : `rollback.sql undoes the first ${this.undone}; to undo the rest, run first: ${missing.join(' ')}`)
    );
  }

  get writeFailure(): Error | undefined {
    return this.failure;
  }

  /** Before a change: the line that says which change may be in flight if nothing follows it. */
  async intend(round: number, action: RepairAction, at: Date): Promise<void> {
    this.assertWritable();
    await this.guard(async () => {
      // Write-ahead: the guarded undo first, then the line naming the exact statement about to run.
      this.pending = { round, action };
      await writeFileAtomic(this.path('rollback.sql'), this.mask(this.rollbackText()));
      await this.append(
        `-- Round ${round}: starting the repair for ${repairFor(action)} at ${at.toISOString()}: ` +
          `${sqlComment(action.sql)} If no block for it follows, the run ended before recording its outcome: ` +
          'check with `smoke-fix scan` (rollback.sql already holds its undo, guarded to do nothing unless it committed).\n\n',
      );
    });
  }

  async committed(round: number, record: RepairRecord): Promise<void> {
    this.entries.push({ round, record });
    this.pending = undefined;
    // rollback.sql first: whoever finds the block in repair.sql (a person, a test after kill -9)
    // can rely on its undo being in rollback.sql already.
    await this.guard(async () => {
      await writeFileAtomic(this.path('rollback.sql'), this.mask(this.rollbackText()));
      this.undone = this.entries.length;
      await this.append(block({ round, record }, record.action.sql, 'repair') + '\n\n');
    });
  }

  /** A change that failed and was rolled back: one comment line, so the intent line is answered. */
  async rolledBack(round: number, record: RepairRecord): Promise<void> {
    this.pending = undefined;
    await this.guard(async () => {
      await writeFileAtomic(this.path('rollback.sql'), this.mask(this.rollbackText()));
      await this.append(`-- Round ${round}: the repair for ${repairFor(record.action)} failed and was rolled back.\n\n`);
    });
  }

  /** Rename the folder to its final name (`…-green`); returns the new path. */
  async finish(finalName: string): Promise<string> {
    const parent = dirname(this.folder);
    for (let n = 1; n < 1000; n++) {
      const candidate = join(parent, n === 1 ? finalName : `${finalName}-${n}`);
      try {
        // rename() replaces an EMPTY folder silently: only take a name nothing has.
        if (await exists(candidate)) continue;
        await rename(this.folder, candidate);
        this.folder = candidate;
        return candidate;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
      }
    }
    return this.folder;
  }

  private path(file: string): string {
    return join(this.folder, file);
  }

  private mask(text: string): string {
    return this.masker.mask(text);
  }

  private async guard(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }

  private async append(text: string): Promise<void> {
    const handle = await open(this.path('repair.sql'), 'a');
    try {
      await handle.writeFile(this.mask(text));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private async sync(file: string): Promise<void> {
    const handle = await open(this.path(file), 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await syncDir(this.folder);
  }

  private repairHeader(): string {
    return (
      [
        header({ ...this.head, mode: 'apply', outcome: 'IN PROGRESS' }, [
          'smoke-fix repair.sql: RUN IN PROGRESS. Each change is appended here right after its COMMIT;',
          'when the run ends this file is replaced by the final one. rollback.sql undoes what is here.',
        ]),
        PSQL_SAFETY,
      ].join('\n\n') + '\n\n'
    );
  }

  private rollbackText(): string {
    const undo = [...this.entries].reverse().map((e) => block(e, e.record.action.rollbackSql, 'undo repair'));
    if (this.pending) {
      const { round, action } = this.pending;
      undo.unshift(
        `-- Round ${round}: the repair for ${repairFor(action)} was under way when this file was written.\n` +
          '-- Its undo runs only if that change committed:\n' +
          guardedReverseSql(action),
      );
    }
    return (
      [
        header({ ...this.head, mode: 'apply', outcome: 'IN PROGRESS' }, [
          'smoke-fix rollback.sql: RUN IN PROGRESS. Undoes every change committed so far, newest first,',
          'each statement in its own transaction. Rewritten whole (atomically) after each COMMIT.',
        ]),
        PSQL_SAFETY,
        ...(undo.length === 0 ? ['-- No change committed yet: nothing to roll back.'] : undo),
      ].join('\n\n') + '\n'
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    await handle.close();
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
