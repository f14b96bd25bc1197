/**
 * The loop's sentences: why a run ended, what a warning says. cascade.ts decides *when* each is
 * said; the words live here, so a reader finds every sentence of the loop in one place.
 */
import { describeFinding } from '../diagnose/describe.js';
import type { ProbeResult } from '../probe/types.js';
import { describeAction } from '../repair/describe.js';
import type { Refusal, RepairRecord } from '../repair/types.js';

/** At most five items, then how many more. */
export function list(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}

function describeFailure(p: ProbeResult): string {
  return `${p.endpoint} (${p.reason ?? p.status ?? 'no answer'})`;
}

/** `applied`: repairs of the run, undefined when none was attempted. */
export function greenReason(applied: number | undefined): string {
  return applied !== undefined ? `Every endpoint answered as expected after ${applied} repair(s).` : 'Every endpoint answered as expected; nothing needed repair.';
}

/** `hint`: what to add to the config (no-error-source.ts); `note`: the first warning, likely the cause. */
export function noFindingReason(failing: readonly ProbeResult[], hint: string | undefined, note: string | undefined): string {
  return (
    `${failing.length} endpoint(s) still fail and no database error was found in their responses or logs: ${list(failing.map(describeFailure))}.` +
    (hint ?? '') +
    (note !== undefined ? ` Note: ${note}` : '')
  );
}

export function refusalSummary(refusals: readonly Refusal[]): string {
  if (refusals.length === 0) return '';
  return `Refused: ${list(refusals.map((r) => `${describeFinding(r.findings[0].finding)} (${r.reason})`))}.`;
}

export function planReason(actions: number, refusals: readonly Refusal[]): string {
  return actions > 0
    ? `Plan mode: ${actions} repair(s) would run; nothing was changed. Run with --apply (or repair.mode: apply) to apply them; fixing these may reveal further missing tables.`
    : `Plan mode: nothing repairable was found. ${refusalSummary(refusals)}`;
}

/** `repeated`: a refused finding already repaired, with the round of that repair. */
export function stuckReason(refusals: readonly Refusal[], repeated: { readonly refusal: Refusal; readonly round: number } | undefined): string {
  if (repeated) {
    return `The repair of ${describeFinding(repeated.refusal.findings[0].finding)} in round ${repeated.round} did not change the error: the app still reports it (restart the app or check its search_path). ${refusalSummary(refusals)}`;
  }
  return `No finding of this round can be repaired safely. ${refusalSummary(refusals)}`;
}

export function everyRepairFailedReason(round: number, records: readonly RepairRecord[]): string {
  return `Every repair of round ${round} failed and was rolled back: ${list(records.map((r) => `${describeAction(r.action)}: ${r.error ?? 'failed'}`))}.`;
}

export function maxRoundsReason(maxRounds: number, stillFailing: readonly ProbeResult[]): string {
  return `Stopped after repair.maxRounds (${maxRounds}) rounds with endpoints still failing: ${list(stillFailing.map((p) => p.endpoint))}. Raise maxRounds if each round is still making progress.`;
}

export function interruptedReason(why: string, round: number, applied: number): string {
  return `Interrupted (${why}) in round ${round} with ${applied} repair(s) applied; each was committed and verified on its own, nothing is half-done. Run again to continue.`;
}

export function unreachableReason(results: readonly ProbeResult[]): string {
  const first = results[0]!;
  return `The target did not answer any of ${results.length} endpoint(s) after retries (${first.failure?.code ?? 'no answer'}: ${first.failure?.message ?? ''}). Is the app running at baseUrl?`;
}

export function internalErrorWarning(error: unknown): string {
  return `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

export function internalErrorReason(error: unknown, applied: number): string {
  return `smoke-fix stopped on an internal error (${error instanceof Error ? error.message : String(error)}) after ${applied} applied repair(s); every change made is listed in this report. Please report the error.`;
}

/** A committed change whose verification found a problem: never hidden behind a green run. */
export function unverifiedWarning(record: RepairRecord): string {
  return `The repair "${describeAction(record.action)}" was committed but its verification failed: ${record.verification?.problems.join('; ') ?? ''}. Check it by hand (rollback.sql has the statement that undoes it).`;
}

export function withUnverified(reason: string, unverified: number): string {
  return unverified > 0 ? `${reason} But ${unverified} committed repair(s) failed verification: see the warnings.` : reason;
}
