/**
 * The loop: probe → diagnose → locate → plan → apply → re-probe, until every endpoint answers as
 * expected (green), a round makes no progress (stuck), or `maxRounds` is reached.
 *
 * Round 1 probes every endpoint; later rounds re-probe only those still failing; when they pass, a
 * confirming pass re-probes every endpoint once (a repair may in principle break another page).
 * Failing targets are data; only a LoginFailedError or an unreachable target end the run early.
 */
import type { EndpointConfig } from '../config/types.js';
import type { FindingKey, SourcedFinding } from '../diagnose/types.js';
import { EnvironmentError, InternalError, InterruptedError, TargetUnreachableError, type ErrorCode } from '../errors.js';
import type { ProbeResult } from '../probe/types.js';
import type { Refusal, RepairRecord } from '../repair/types.js';
import { exitCodeOf, type ProbeSummary, type RoundResult, type RunResult } from '../result.js';
import type { CascadeDeps, CascadeSettings } from './deps.js';
import { collectFindings, toSourced } from './findings.js';
import { summariseProbe } from './summarise.js';
import { IgnoredTally } from '../evidence/ignored.js';
import { NO_ERROR_SOURCE, noErrorSourceHint } from './no-error-source.js';
import {
  everyRepairFailedReason,
  greenReason,
  internalErrorReason,
  internalErrorWarning,
  interruptedReason,
  maxRoundsReason,
  noFindingReason,
  planReason,
  stuckReason,
  unreachableReason,
  unverifiedWarning,
  withUnverified,
} from './reasons.js';

export type CascadeResult = Pick<
  RunResult,
  'rounds' | 'final' | 'outcome' | 'reason' | 'errorCode' | 'exitCode' | 'warnings' | 'ignoredEvidence'
>;

class Cascade {
  private readonly rounds: RoundResult[] = [];
  private readonly warnings: string[] = [];
  /** Finding key → round in which a repair for it was applied. */
  private readonly repairedIn = new Map<FindingKey, number>();
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
        return this.end({ outcome: 'environment-error', reason: error.message, errorCode: error.code });
      }
      // A bug of the tool's own. Changes may already be committed: end with a result anyway, so
      // report.md, repair.sql and rollback.sql still record them.
      this.warn(internalErrorWarning(error));
      return this.end({
        outcome: 'stuck',
        reason: internalErrorReason(error, this.countApplied()),
        errorCode: new InternalError(error).code,
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
          const repaired = this.rounds.some((r) => r.repairs.length > 0);
          return this.end({
            outcome: 'green',
            reason: greenReason(repaired ? this.countApplied() : undefined),
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
        proven,
      });

      if (collected.length === 0) {
        this.record(round, started, probes, [], [], []);
        const hint = noErrorSourceHint(failing, this.settings.readsLogs ?? true);
        return this.end({
          outcome: 'stuck',
          // A log that could not be read is the likely cause: say so where people look first.
          reason: noFindingReason(failing, hint, this.warnings[0]),
          ...(hint ? { errorCode: NO_ERROR_SOURCE } : {}),
        });
      }
      const sourced = toSourced(collected);
      this.deps.emit({ type: 'findings', round, findings: sourced });

      const locations = await this.deps.locate(collected);
      const plan = this.deps.plan(collected, locations);
      const actions = plan.flatMap((i) => (i.type === 'action' ? [i.action] : []));
      const refusals = plan.flatMap((i) => (i.type === 'refusal' ? [i.refusal] : []));
      for (const refusal of refusals) this.deps.emit({ type: 'refusal', round, refusal });

      if (this.settings.mode === 'plan') {
        const planned = actions.map((action): RepairRecord => ({ action, status: 'planned', warnings: [] }));
        for (const record of planned) this.deps.emit({ type: 'repair', round, record });
        this.record(round, started, probes, sourced, planned, refusals);
        return this.end({ outcome: 'planned', reason: planReason(actions.length, refusals) });
      }

      if (actions.length === 0) {
        this.record(round, started, probes, sourced, [], refusals);
        return this.end({ outcome: 'stuck', reason: this.stuckReason(refusals) });
      }

      const records: RepairRecord[] = [];
      try {
        for (const action of actions) {
          this.stopIfInterrupted(round, records);
          const outcome = await this.deps.apply(action);
          const record: RepairRecord = { action, ...outcome };
          records.push(record);
          this.deps.emit({ type: 'repair', round, record });
          if (record.status === 'applied') for (const f of action.findings) this.repairedIn.set(f.key, round);
        }
      } finally {
        // Whatever stops the loop (an interrupt, a lost lock, a database gone), the changes already
        // committed this round stay in the result, and so in report.md, repair.sql and rollback.sql.
        this.record(round, started, probes, sourced, records, refusals);
      }

      if (!records.some((r) => r.status === 'applied')) {
        return this.end({ outcome: 'stuck', reason: everyRepairFailedReason(round, records) });
      }
      const failingNames = new Set(failing.map((p) => p.endpoint));
      targets = all.filter((e) => failingNames.has(e.name));
    }
    // The last allowed round's repairs have not been probed yet: confirm before judging the run.
    const confirm = await this.probe(this.settings.maxRounds, all, true);
    const stillFailing = confirm.filter((p) => !p.ok);
    if (stillFailing.length === 0) {
      return this.end({ outcome: 'green', reason: greenReason(this.countApplied()), final: confirm });
    }
    return this.end({ outcome: 'max-rounds', reason: maxRoundsReason(this.settings.maxRounds, stillFailing), final: confirm });
  }

  /** Between two changes is the only place a run stops: every change is whole and verified. */
  private stopIfInterrupted(round: number, thisRound: readonly RepairRecord[] = []): void {
    const signal = this.settings.signal;
    if (!signal?.aborted) return;
    const applied = this.countApplied() + thisRound.filter((r) => r.status === 'applied').length;
    throw new InterruptedError(interruptedReason(String(signal.reason ?? 'aborted'), round, applied));
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
    if (results.length > 0 && results.every((r) => r.status === null)) throw new TargetUnreachableError(unreachableReason(results));
    return results;
  }

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
    const refusal = refusals.find((r) => this.repairedIn.has(r.findings[0].key));
    return stuckReason(refusals, refusal && { refusal, round: this.repairedIn.get(refusal.findings[0].key)! });
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
    return this.rounds.flatMap((r) => r.repairs.filter((x) => x.status === 'applied' && x.verification && !x.verification.ok).map(unverifiedWarning));
  }

  private end(fields: {
    outcome: CascadeResult['outcome'];
    reason: string;
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
      reason: withUnverified(fields.reason, unverified.length),
      errorCode: fields.errorCode,
      exitCode: exitCodeOf(fields.outcome),
      warnings: this.warnings,
      ignoredEvidence: this.ignored.summary(),
    };
  }
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

export function runCascade(settings: CascadeSettings, deps: CascadeDeps): Promise<CascadeResult> {
  return new Cascade(settings, deps).run();
}
