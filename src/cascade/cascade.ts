/**
 * The loop: probe → diagnose → locate → plan → apply → re-probe, until every endpoint answers as
 * expected (green), a round makes no progress (stuck), or `maxRounds` is reached.
 *
 * Round 1 probes every endpoint; later rounds re-probe only those still failing; when they pass, a
 * confirming pass re-probes every endpoint once (a repair may in principle break another page).
 * Failing targets are data; only a LoginFailedError or an unreachable target end the run early.
 */
import { objectLabel } from '../repair/object-label.js';
import type { EndpointConfig } from '../config/types.js';
import { describeFinding, findingKey, type SourcedFinding } from '../diagnose/types.js';
import { EnvironmentError, InterruptedError, TargetUnreachableError, type ErrorCode } from '../errors.js';
import type { ProbeResult } from '../probe/types.js';
import type { Refusal, RepairAction, RepairRecord } from '../repair/types.js';
import type { ProbeSummary, RoundResult, RunResult } from '../result.js';
import type { CascadeDeps, CascadeSettings } from './deps.js';
import { collectFindings, toSourced, type CollectedFinding } from './findings.js';
import { summariseProbe } from './summarise.js';
import { IgnoredTally } from '../evidence/ignored.js';
import { NO_ERROR_SOURCE, noErrorSourceHint } from './no-error-source.js';

export type CascadeResult = Pick<
  RunResult,
  'rounds' | 'final' | 'outcome' | 'reason' | 'errorCode' | 'exitCode' | 'warnings' | 'ignoredEvidence'
>;

function describeFailure(p: ProbeResult): string {
  return `${p.endpoint} (${p.reason ?? p.status ?? 'no answer'})`;
}

function list(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}

class Cascade {
  private readonly rounds: RoundResult[] = [];
  private readonly warnings: string[] = [];
  /** Finding key → round in which a repair for it was applied. */
  private readonly repairedIn = new Map<string, number>();
  /** Log records with database errors that no request of smoke-fix's explains. */
  private readonly ignored = new IgnoredTally();

  constructor(
    private readonly settings: CascadeSettings,
    private readonly deps: CascadeDeps,
  ) {}

  async run(): Promise<CascadeResult> {
    try {
      return await this.loop();
    } catch (error) {
      if (error instanceof EnvironmentError) {
        return this.end({ outcome: 'environment-error', reason: error.message, errorCode: error.code, exitCode: 3 });
      }
      // A bug of the tool's own. Changes may already be committed: end with a result anyway, so
      // report.md, repair.sql and rollback.sql still record them.
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.warn(`internal error: ${text}`);
      return this.end({
        outcome: 'stuck',
        reason: `smoke-fix stopped on an internal error (${error instanceof Error ? error.message : String(error)}) after ${this.countApplied()} applied repair(s); every change made is listed in this report. Please report the error.`,
        errorCode: 'INTERNAL_ERROR',
        exitCode: 1,
      });
    }
  }

  private async loop(): Promise<CascadeResult> {
    const all = this.settings.endpoints;
    let targets: readonly EndpointConfig[] = all;
    for (let round = 1; round <= this.settings.maxRounds; round++) {
      this.stopIfInterrupted(round);
      const started = this.deps.now();
      let probes = await this.probe(round, targets, false);
      let failing = probes.filter((p) => !p.ok);
      // Proven drift is repaired even when every page passes (a latent table no endpoint reads).
      const proven = round === 1 && this.deps.provenFindings ? await this.deps.provenFindings() : [];

      if (failing.length === 0 && proven.length === 0) {
        // Everything probed this round passes. If that was every endpoint, it is the confirmation;
        // otherwise confirm by probing every endpoint once more.
        const confirm = targets.length === all.length ? probes : await this.probe(round, all, true);
        const stillFailing = confirm.filter((p) => !p.ok);
        if (stillFailing.length === 0) {
          this.record(round, started, probes, [], [], []);
          return this.end({
            outcome: 'green',
            reason: this.rounds.some((r) => r.repairs.length > 0)
              ? `Every endpoint answered as expected after ${this.countApplied()} repair(s).`
              : 'Every endpoint answered as expected; nothing needed repair.',
            exitCode: 0,
            final: confirm,
          });
        }
        // The confirming pass found a failure elsewhere: it becomes this round's probes.
        probes = confirm;
        failing = stillFailing;
      }

      const logs = await this.deps.readLogs();
      for (const w of logs.warnings) this.warn(w);
      const collected = collectFindings({
        failing,
        logs: logs.entries,
        endpoints: this.settings.endpoints,
        diagnose: this.deps.diagnose,
        onIgnored: (reason, entry, findings) => this.ignored.add(reason, entry.source, findings, entry.text),
      });
      addProven(collected, proven);

      if (collected.length === 0) {
        this.record(round, started, probes, [], [], []);
        const hint = noErrorSourceHint(failing, this.settings.readsLogs ?? true);
        return this.end({
          outcome: 'stuck',
          reason:
            `${failing.length} endpoint(s) still fail and no database error was found in their responses or logs: ${list(failing.map(describeFailure))}.` +
            (hint ?? '') +
            // A log that could not be read is the likely cause: say so where people look first.
            (this.warnings.length > 0 ? ` Note: ${this.warnings[0]}` : ''),
          ...(hint ? { errorCode: NO_ERROR_SOURCE } : {}),
          exitCode: 1,
        });
      }
      this.deps.emit({ type: 'findings', round, findings: toSourced(collected) });

      const findings = collected.map((c) => c.finding);
      const locations = await this.deps.locate(findings);
      const plan = this.deps.plan(findings, locations);
      const actions = plan.flatMap((i) => (i.type === 'action' ? [i.action] : []));
      const refusals = plan.flatMap((i) => (i.type === 'refusal' ? [i.refusal] : []));
      for (const refusal of refusals) this.deps.emit({ type: 'refusal', round, refusal });
      const sourced = toSourced(collected);

      if (this.settings.mode === 'plan') {
        const planned = actions.map((action) => this.planned(action, collected));
        for (const record of planned) this.deps.emit({ type: 'repair', round, record });
        this.record(round, started, probes, sourced, planned, refusals);
        return this.end({
          outcome: 'planned',
          reason:
            actions.length > 0
              ? `Plan mode: ${actions.length} repair(s) would run; nothing was changed. Run with --apply (or repair.mode: apply) to apply them; fixing these may reveal further missing tables.`
              : `Plan mode: nothing repairable was found. ${this.refusalSummary(refusals)}`,
          exitCode: 1,
        });
      }

      if (actions.length === 0) {
        this.record(round, started, probes, sourced, [], refusals);
        return this.end({ outcome: 'stuck', reason: this.stuckReason(refusals), exitCode: 1 });
      }

      const records: RepairRecord[] = [];
      try {
        for (const action of actions) {
          this.stopIfInterrupted(round, records);
          const outcome = await this.deps.apply(action);
          const record: RepairRecord = { action, sources: this.sourcesOf(action, collected), ...outcome };
          records.push(record);
          this.deps.emit({ type: 'repair', round, record });
          if (record.status === 'applied') for (const f of findingsOf(action)) this.repairedIn.set(findingKey(f), round);
        }
      } finally {
        // Whatever stops the loop (an interrupt, a lost lock, a database gone), the changes already
        // committed this round stay in the result, and so in report.md, repair.sql and rollback.sql.
        this.record(round, started, probes, sourced, records, refusals);
      }

      if (!records.some((r) => r.status === 'applied')) {
        return this.end({
          outcome: 'stuck',
          reason: `Every repair of round ${round} failed and was rolled back: ${list(records.map((r) => `${actionLabel(r.action)}: ${r.error ?? 'failed'}`))}.`,
          exitCode: 1,
        });
      }
      const failingNames = new Set(failing.map((p) => p.endpoint));
      targets = all.filter((e) => failingNames.has(e.name));
    }
    // The last allowed round's repairs have not been probed yet: confirm before judging the run.
    const confirm = await this.probe(this.settings.maxRounds, all, true);
    const stillFailing = confirm.filter((p) => !p.ok);
    if (stillFailing.length === 0) {
      return this.end({ outcome: 'green', reason: `Every endpoint answered as expected after ${this.countApplied()} repair(s).`, exitCode: 0, final: confirm });
    }
    return this.end({
      outcome: 'max-rounds',
      reason: `Stopped after repair.maxRounds (${this.settings.maxRounds}) rounds with endpoints still failing: ${list(stillFailing.map((p) => p.endpoint))}. Raise maxRounds if each round is still making progress.`,
      exitCode: 1,
      final: confirm,
    });
  }

  /** Between two changes is the only place a run stops: every change is whole and verified. */
  private stopIfInterrupted(round: number, thisRound: readonly RepairRecord[] = []): void {
    const signal = this.settings.signal;
    if (!signal?.aborted) return;
    const applied = this.countApplied() + thisRound.filter((r) => r.status === 'applied').length;
    throw new InterruptedError(
      `Interrupted (${String(signal.reason ?? 'aborted')}) in round ${round} with ${applied} repair(s) applied; each was committed and verified on its own, nothing is half-done. Run again to continue.`,
    );
  }

  private async probe(round: number, endpoints: readonly EndpointConfig[], confirm: boolean): Promise<ProbeResult[]> {
    this.deps.emit({ type: 'round-start', round, endpoints: endpoints.length, confirm });
    let done = 0;
    const results = await this.deps.probe(endpoints, (result) => {
      done += 1;
      this.deps.emit({ type: 'probe', round, result, done, total: endpoints.length });
    });
    // A signal aborts the requests in flight: their failures are the interrupt, not the target's.
    this.stopIfInterrupted(round);
    if (results.length > 0 && results.every((r) => r.status === null)) {
      const first = results[0]!;
      throw new TargetUnreachableError(
        `The target did not answer any of ${results.length} endpoint(s) after retries (${first.failure?.code ?? 'no answer'}: ${first.failure?.message ?? ''}). Is the app running at baseUrl?`,
      );
    }
    return results;
  }

  private planned(action: RepairAction, collected: readonly CollectedFinding[]): RepairRecord {
    return { action, status: 'planned', sources: this.sourcesOf(action, collected), warnings: [] };
  }

  /** Every place the findings this action answers were read (an action may answer several). */
  private sourcesOf(action: RepairAction, collected: readonly CollectedFinding[]) {
    let byKey = this.collectedIndex.get(collected);
    if (!byKey) {
      byKey = new Map(collected.map((c) => [c.key, c]));
      this.collectedIndex.set(collected, byKey);
    }
    const keys = new Set(findingsOf(action).map(findingKey));
    return [...keys].flatMap((k) => byKey.get(k)?.sources ?? []);
  }

  /** One index per round's collected findings (an action per finding must not scan them all). */
  private readonly collectedIndex = new WeakMap<readonly CollectedFinding[], Map<string, CollectedFinding>>();

  private record(
    round: number,
    started: Date,
    probes: readonly ProbeResult[],
    findings: readonly SourcedFinding[],
    repairs: readonly RepairRecord[],
    refusals: readonly Refusal[],
  ): void {
    const firstMessage = firstMessages(findings);
    const summaries = probes.map((p) => summariseProbe(p, firstMessage.get(p.endpoint)));
    this.rounds.push({
      number: round,
      startedAt: started.toISOString(),
      durationMs: this.deps.now().getTime() - started.getTime(),
      probes: summaries,
      findings,
      repairs,
      refusals,
    });
  }

  private stuckReason(refusals: readonly Refusal[]): string {
    const repeated = refusals.filter((r) => this.repairedIn.has(findingKey(r.finding)));
    if (repeated.length > 0) {
      const r = repeated[0]!;
      return `The repair of ${describeFinding(r.finding)} in round ${this.repairedIn.get(findingKey(r.finding))} did not change the error: the app still reports it (restart the app or check its search_path). ${this.refusalSummary(refusals)}`;
    }
    return `No finding of this round can be repaired safely. ${this.refusalSummary(refusals)}`;
  }

  private refusalSummary(refusals: readonly Refusal[]): string {
    if (refusals.length === 0) return '';
    return `Refused: ${list(refusals.map((r) => `${describeFinding(r.finding)} (${r.reason})`))}.`;
  }

  private countApplied(): number {
    return this.rounds.reduce((n, r) => n + r.repairs.filter((x) => x.status === 'applied').length, 0);
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.deps.emit({ type: 'warning', message });
  }

  /** Committed changes whose verification found a problem: never hidden behind a green run. */
  private verificationWarnings(): string[] {
    return this.rounds.flatMap((r) =>
      r.repairs
        .filter((x) => x.status === 'applied' && x.verification && !x.verification.ok)
        .map((x) => `The repair "${actionLabel(x.action)}" was committed but its verification failed: ${x.verification!.problems.join('; ')}. Check it by hand (rollback.sql has the statement that undoes it).`),
    );
  }

  private end(fields: {
    outcome: CascadeResult['outcome'];
    reason: string;
    exitCode: CascadeResult['exitCode'];
    errorCode?: ErrorCode;
    final?: readonly ProbeResult[];
  }): CascadeResult {
    const final: ProbeSummary[] = (fields.final ?? []).map((p) => summariseProbe(p));
    const unverified = this.verificationWarnings();
    for (const w of unverified) this.warn(w);
    return {
      rounds: this.rounds,
      final,
      outcome: fields.outcome,
      reason: unverified.length > 0 ? `${fields.reason} But ${unverified.length} committed repair(s) failed verification: see the warnings.` : fields.reason,
      errorCode: fields.errorCode,
      exitCode: fields.exitCode,
      warnings: this.warnings,
      ignoredEvidence: this.ignored.summary(),
    };
  }
}

/** Proven findings join the round's own: one entry per name, the history listed as a source. */
function addProven(collected: CollectedFinding[], proven: Awaited<ReturnType<NonNullable<CascadeDeps['provenFindings']>>>): void {
  for (const p of proven) {
    const key = findingKey(p.finding);
    const source = { type: 'history', migration: p.migration } as const;
    const seen = collected.find((c) => c.key === key);
    if (seen) seen.sources.push(source);
    else collected.push({ key, finding: p.finding, sources: [source] });
  }
}

/** The planner merges findings that resolve to the same object into one action. */
function findingsOf(action: RepairAction) {
  return action.findings ?? [action.finding];
}

/** Endpoint → the first finding message read for it, in one pass (not a scan per endpoint). */
function firstMessages(findings: readonly SourcedFinding[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const f of findings) {
    const endpoint = f.source.endpoint;
    if (endpoint !== undefined && !first.has(endpoint)) first.set(endpoint, f.finding.message);
  }
  return first;
}

export function actionLabel(a: RepairAction): string {
  if (a.kind === 'move-object') return `move ${objectLabel(a)} → ${a.toSchema}`;
  return a.kind === 'move-relation'
    ? `move ${a.fromSchema}.${a.relation.name} → ${a.toSchema}`
    : `add column ${a.schema}.${a.table}.${a.column.name}`;
}

export function runCascade(settings: CascadeSettings, deps: CascadeDeps): Promise<CascadeResult> {
  return new Cascade(settings, deps).run();
}
