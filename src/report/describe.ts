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
      return `log file ${source.file}${credit(source)}`;
    case 'server-log':
      return `PostgreSQL server log${credit(source)}`;
    case 'history':
      return `the migration history (created by ${source.migration})`;
  }
}

/** The request of smoke-fix's a log record is tied to (`login of profile alice (POST /accounts/login/)`). */
function credit(source: { readonly endpoint?: string | undefined; readonly request?: string | undefined }): string {
  if (source.request) return `, for ${source.request}`;
  return source.endpoint ? ` (after "${source.endpoint}")` : '';
}

/**
 * Indexes over one result, built once per object on first use: every reporter asks "sources of this
 * finding" and "findings of this endpoint" for each item, and a scan per question made reports
 * quadratic (a body naming 20,000 relations took 47 s). WeakMaps, so nothing outlives the result.
 */
const sourcesByKey = new WeakMap<RoundResult, Map<string, FindingSource[]>>();
const findingsByEndpoint = new WeakMap<RoundResult, Map<string, SourcedFinding[]>>();
const lastProbes = new WeakMap<RunResult, Map<string, LastProbe>>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Where a finding of a round was read (every source the round recorded for the same key). */
export function sourcesOf(round: RoundResult, finding: Finding): FindingSource[] {
  let index = sourcesByKey.get(round);
  if (!index) {
    index = new Map();
    for (const f of round.findings) push(index, findingKey(f.finding), f.source);
    sourcesByKey.set(round, index);
  }
  return index.get(findingKey(finding)) ?? [];
}

/** Findings of a round read for one endpoint (its body, or a log read right after it). */
export function findingsForEndpoint(round: RoundResult, endpoint: string): SourcedFinding[] {
  let index = findingsByEndpoint.get(round);
  if (!index) {
    index = new Map();
    for (const f of round.findings) if (f.source.endpoint !== undefined) push(index, f.source.endpoint, f);
    findingsByEndpoint.set(round, index);
  }
  return index.get(endpoint) ?? [];
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
  let index = lastProbes.get(result);
  if (!index) {
    index = new Map();
    // Later rounds overwrite earlier ones, and the final pass overwrites every round.
    for (const round of result.rounds) for (const probe of round.probes) index.set(probe.endpoint, { probe, round });
    for (const probe of result.final) index.set(probe.endpoint, { probe, round: undefined });
    lastProbes.set(result, index);
  }
  return index.get(endpoint);
}

/** `500 (expected 200)`, `no answer (ECONNREFUSED)`. */
export function statusText(probe: ProbeSummary): string {
  const got = probe.status === null ? `no answer${probe.failure ? ` (${probe.failure.code})` : ''}` : String(probe.status);
  // An expected status that failed a body check (`graphql`, `expectNoErrors`): its reason follows.
  const expectedStatus = probe.status !== null && probe.expected.includes(probe.status);
  return probe.ok || expectedStatus ? got : `${got} (expected ${probe.expected.join(' or ')})`;
}
