/**
 * The final result of a run: the one value every reporter reads (hurl-style). A failing target is
 * data here; only failures of the tool itself are thrown.
 */
import type { RepairMode } from './config/types.js';
import type { ErrorCode } from './errors.js';
import { groupBy } from './util/group-by.js';
import type { FindingKey, SourcedFinding } from './diagnose/types.js';
import type { ProbeResult } from './probe/types.js';
import type { Refusal, RepairRecord } from './repair/types.js';
import type { HistoryOutcome } from './history/outcome.js';
import type { LeftInSources } from './db/types.js';
import type { IgnoredEvidence } from './evidence/ignored.js';

/** A probe as kept in the result: the body is replaced by a short excerpt. */
export type ProbeSummary = Omit<ProbeResult, 'body'> & { readonly bodyExcerpt: string };

export interface RoundResult {
  readonly number: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly probes: readonly ProbeSummary[];
  /** De-duplicated findings of the round, each with where it was read. */
  readonly findings: readonly SourcedFinding[];
  readonly repairs: readonly RepairRecord[];
  readonly refusals: readonly Refusal[];
}

/** What a run's outcome means for the exit status: 0 green, 3 the environment failed, 1 otherwise. */
export function exitCodeOf(outcome: Outcome): RunResult['exitCode'] {
  return outcome === 'green' ? 0 : outcome === 'environment-error' ? 3 : 1;
}

export type Outcome =
  /** Every endpoint answered its expected status in the confirming pass. */
  | 'green'
  /** Plan mode: SQL printed, nothing changed, endpoints still failing. */
  | 'planned'
  /** A round found nothing it could repair, or a repair did not change the error. */
  | 'stuck'
  /** `repair.maxRounds` reached with endpoints still failing. */
  | 'max-rounds'
  /** Database or target unreachable after retries, lock held, login refused. */
  | 'environment-error';

export interface RunResult {
  readonly tool: { readonly name: 'smoke-fix'; readonly version: string };
  readonly configFile: string;
  readonly baseUrl: string;
  /** Database URL with the password removed. */
  readonly database: string;
  readonly targetSchema: string;
  readonly sourceSchemas: readonly string[];
  readonly mode: RepairMode;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly rounds: readonly RoundResult[];
  /** The confirming pass over every endpoint (empty when the run ended before it). */
  readonly final: readonly ProbeSummary[];
  readonly outcome: Outcome;
  /** One or two sentences: why the run ended the way it did. */
  readonly reason: string;
  /** Stable error code when outcome is environment-error (see errors.ts). */
  readonly errorCode?: ErrorCode | undefined;
  readonly exitCode: 0 | 1 | 3;
  /** Warnings not tied to one repair (e.g. "cannot read the server log: permission denied"). */
  readonly warnings: readonly string[];
  /** With `history`: the drift against the migrations at the end of the run, and why it happened. */
  readonly history?: HistoryOutcome | undefined;
  /** Relations still in a source schema at the end of the run that the target lacks (null: not checked). */
  readonly leftInSources?: readonly LeftInSources[] | undefined;
  /** Log records with database errors that drove nothing: tied to no request smoke-fix made (why, how many, examples). */
  readonly ignoredEvidence?: readonly IgnoredEvidence[] | undefined;
}

// ---------------------------------------------------------------- the questions every output asks

/** The one definition of each count a run reports: the terminal, report.md, report.json and junit.xml all read these. */
export interface RunCounts {
  readonly rounds: number;
  /** Distinct endpoints probed in any round or the final pass. */
  readonly endpoints: number;
  /** Repair records by status (each record is one statement that ran, would run, or rolled back). */
  readonly applied: number;
  readonly planned: number;
  readonly failed: number;
  /** Distinct refusals (see `RunAnswers.refusals`): a finding refused again in a later round counts once. */
  readonly refused: number;
  /** Endpoints passing / probed in the confirming pass (0/0 when none ran). */
  readonly finalPassing: number;
  readonly finalTotal: number;
}

export interface RepairInRound {
  readonly round: number;
  readonly record: RepairRecord;
}

/** A refusal as the run reports it: once per finding and reason, with every round that refused it. */
export interface DistinctRefusal {
  readonly refusal: Refusal;
  readonly rounds: readonly RoundResult[];
}

export interface LastProbe {
  readonly probe: ProbeSummary;
  /** The round that probed it, or undefined when it is the final pass. */
  readonly round: RoundResult | undefined;
}

/** What every output asks of a result, answered once per result (linear: one index per question). */
export interface RunAnswers {
  readonly counts: RunCounts;
  /** Every repair record of the run, in the order it happened. */
  readonly repairs: readonly RepairInRound[];
  /** Refusals repeat each round a finding comes back: each (finding, reason) once, first round first. */
  readonly refusals: readonly DistinctRefusal[];
  /** Endpoint names in first-seen order across the rounds and the final pass. */
  readonly endpoints: readonly string[];
  /** The attempt that counts for an endpoint: the final pass if it has one, else the last round's. */
  lastProbe(endpoint: string): LastProbe | undefined;
  /** Endpoints whose attempt that counts failed, in first-seen order. */
  readonly failingAtEnd: readonly ProbeSummary[];
  /** Findings of a round read for one endpoint (its body, or a log read right after it). */
  findingsFor(round: RoundResult, endpoint: string): readonly SourcedFinding[];
}

/** Answered once per result and kept with it (a WeakMap, so nothing outlives the result). */
const answered = new WeakMap<Pick<RunResult, 'rounds' | 'final'>, RunAnswers>();

export function answers(result: Pick<RunResult, 'rounds' | 'final'>): RunAnswers {
  let a = answered.get(result);
  if (!a) {
    a = answer(result);
    answered.set(result, a);
  }
  return a;
}

function answer(result: Pick<RunResult, 'rounds' | 'final'>): RunAnswers {
  const repairs = result.rounds.flatMap((round) => round.repairs.map((record) => ({ round: round.number, record })));
  const distinct = new Map<`${FindingKey}|${string}`, { refusal: Refusal; rounds: RoundResult[] }>();
  for (const round of result.rounds) {
    for (const refusal of round.refusals) {
      const id = `${refusal.findings[0].key}|${refusal.reason}` as const;
      const seen = distinct.get(id);
      if (seen) seen.rounds.push(round);
      else distinct.set(id, { refusal, rounds: [round] });
    }
  }
  // Later rounds overwrite earlier ones, and the final pass overwrites every round.
  const last = new Map<string, LastProbe>();
  for (const round of result.rounds) for (const probe of round.probes) last.set(probe.endpoint, { probe, round });
  for (const probe of result.final) last.set(probe.endpoint, { probe, round: undefined });
  const endpoints = [...last.keys()];
  const failingAtEnd = [...last.values()].map((l) => l.probe).filter((p) => !p.ok);
  // Built on first use: only report.md and junit.xml ask, and a scan per endpoint made them quadratic.
  const byEndpoint = new WeakMap<RoundResult, Map<string | undefined, SourcedFinding[]>>();
  const count = (status: RepairRecord['status']) => repairs.reduce((n, r) => n + (r.record.status === status ? 1 : 0), 0);
  return {
    counts: {
      rounds: result.rounds.length,
      endpoints: endpoints.length,
      applied: count('applied'),
      planned: count('planned'),
      failed: count('failed'),
      refused: distinct.size,
      finalPassing: result.final.filter((p) => p.ok).length,
      finalTotal: result.final.length,
    },
    repairs,
    refusals: [...distinct.values()],
    endpoints,
    lastProbe: (endpoint) => last.get(endpoint),
    failingAtEnd,
    findingsFor(round, endpoint) {
      let index = byEndpoint.get(round);
      if (!index) {
        index = groupBy(round.findings, (f) => f.source.endpoint);
        byEndpoint.set(round, index);
      }
      return index.get(endpoint) ?? [];
    },
  };
}
