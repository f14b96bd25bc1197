/**
 * The run's side of the journal (journal.ts): open it before the first change, record each change
 * around its COMMIT, and turn the folder into the final report at the end.
 */
import type { ResolvedConfig } from '../config/types.js';
import { ReportWriteError } from '../errors.js';
import type { ApplyOutcome, RepairAction } from '../repair/types.js';
import type { RunResult } from '../result.js';
import { redactUrl } from '../util/redact.js';
import type { Masker } from '../util/secret-masker.js';
import { RunJournal } from './journal.js';
import { runFolderName, writeReports, type WrittenReports } from './write.js';

export async function openJournalFor(config: ResolvedConfig, reportDir: string | undefined, started: Date, masker: Masker): Promise<RunJournal> {
  return RunJournal.open({
    parent: reportDir ?? config.report.dir,
    name: runFolderName({ startedAt: started.toISOString(), outcome: 'running' as RunResult['outcome'] }),
    header: {
      startedAt: started.toISOString(),
      database: redactUrl(config.database.url),
      targetSchema: config.database.targetSchema,
      sourceSchemas: config.database.sourceSchemas,
    },
    masker,
  });
}

/**
 * One change between two journal writes: the intent before it, its block after COMMIT. A write that
 * fails after a COMMIT does not undo or hide the change (it is returned, so the result lists it);
 * it stops the next change (`assertWritable`) and makes the run exit 3.
 */
export async function recordApply(
  journal: RunJournal | undefined,
  round: number,
  action: RepairAction,
  apply: () => Promise<ApplyOutcome>,
): Promise<ApplyOutcome> {
  if (!journal) return apply();
  journal.assertWritable();
  await journal.intend(round, action, new Date());
  journal.assertWritable();
  const outcome = await apply();
  const record = { action, sources: [], ...outcome };
  if (outcome.status === 'applied') await journal.committed(round, record);
  else await journal.rolledBack(round, record);
  return outcome;
}

/** Rename the folder to its final name and write every report into it. */
export async function finishRecord(journal: RunJournal, result: RunResult, masker: Masker): Promise<WrittenReports> {
  try {
    const dir = await journal.finish(runFolderName(result));
    return await writeReports(result, { dir, masker, journal: { dir, recorded: journal.recorded } });
  } catch (error) {
    throw new ReportWriteError(
      `The final reports could not be written to ${journal.dir} (${error instanceof Error ? error.message : String(error)}). ` +
        journal.whatIsRecorded(),
      { cause: error },
    );
  }
}
