/**
 * Plain-text descriptions shared by the reporters: what an action touches, what a finding says,
 * where it was read. They return raw text; each format escapes it its own way.
 */
import type { Finding, FindingSource, SourcedFinding } from '../diagnose/types.js';
import { describeFinding, findingKey } from '../diagnose/types.js';
import type { ProbeSummary, RoundResult, RunResult } from '../result.js';
import type { RepairRecord } from '../repair/types.js';

/** `missing relation "user_profile_about_item"`, `missing column "teams_membership.left_at"`. */
export function findingTitle(finding: Finding): string {
  return `missing ${describeFinding(finding)}`;
}

/** `body of "public profile"`, `log file /var/log/app/django.log (after "settings")`. */
export function sourceText(source: FindingSource): string {
  switch (source.type) {
    case 'body':
      return `response body of "${source.endpoint}"`;
    case 'log':
      return `log file ${source.file}${source.endpoint ? ` (after "${source.endpoint}")` : ''}`;
    case 'server-log':
      return `PostgreSQL server log${source.endpoint ? ` (after "${source.endpoint}")` : ''}`;
    case 'history':
      return `the migration history (created by ${source.migration})`;
  }
}

/** Where a finding of a round was read (every source the round recorded for the same key). */
export function sourcesOf(round: RoundResult, finding: Finding): FindingSource[] {
  const key = findingKey(finding);
  return round.findings.filter((f) => findingKey(f.finding) === key).map((f) => f.source);
}

/** Findings of a round read for one endpoint (its body, or a log read right after it). */
export function findingsForEndpoint(round: RoundResult, endpoint: string): SourcedFinding[] {
  return round.findings.filter((f) => f.source.endpoint === endpoint);
}

export interface RepairInRound {
  readonly round: number;
  readonly record: RepairRecord;
}

/** Every repair record of the run, in the order it happened. */
export function allRepairs(result: RunResult): RepairInRound[] {
  return result.rounds.flatMap((round) => round.repairs.map((record) => ({ round: round.number, record })));
}

/** Endpoint names in first-seen order across the rounds and the final pass. */
export function endpointNames(result: RunResult): string[] {
  const names = new Set<string>();
  for (const round of result.rounds) for (const p of round.probes) names.add(p.endpoint);
  for (const p of result.final) names.add(p.endpoint);
  return [...names];
}

export interface LastProbe {
  readonly probe: ProbeSummary;
  /** Round number, or undefined when it is the final pass. */
  readonly round: RoundResult | undefined;
}

/** The attempt that counts for an endpoint: the final pass if it has one, else the last round's. */
export function lastProbe(result: RunResult, endpoint: string): LastProbe | undefined {
  const final = result.final.find((p) => p.endpoint === endpoint);
  if (final) return { probe: final, round: undefined };
  for (let i = result.rounds.length - 1; i >= 0; i--) {
    const round = result.rounds[i]!;
    const probe = round.probes.find((p) => p.endpoint === endpoint);
    if (probe) return { probe, round };
  }
  return undefined;
}

/** `500 (expected 200)`, `no answer (ECONNREFUSED)`. */
export function statusText(probe: ProbeSummary): string {
  const got = probe.status === null ? `no answer${probe.failure ? ` (${probe.failure.code})` : ''}` : String(probe.status);
  return probe.ok ? got : `${got} (expected ${probe.expected.join(' or ')})`;
}
