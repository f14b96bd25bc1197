/**
 * The final result of a run: the one value every reporter reads (hurl-style). A failing target is
 * data here; only failures of the tool itself are thrown.
 */
import type { RepairMode } from './config/types.js';
import type { ErrorCode } from './errors.js';
import type { SourcedFinding } from './diagnose/types.js';
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
