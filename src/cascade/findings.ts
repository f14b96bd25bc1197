/** Turning a round's failing bodies and new log records into de-duplicated, sourced findings. */
import type { EndpointConfig } from '../config/types.js';
import { findingKey, type CollectedFinding, type Finding, type FindingKey, type FindingSource, type MissingRelationFinding, type SourcedFinding } from '../diagnose/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { LogEvidence } from '../evidence/log-evidence.js';
import { describeRequest } from '../probe/request-ledger.js';
import type { IgnoreReason } from '../evidence/tie.js';

/** Being collected: sources are still added (the finished list is read-only for everyone else). */
interface Collecting {
  readonly key: FindingKey;
  readonly finding: Finding;
  readonly sources: FindingSource[];
}

export interface CollectInput {
  readonly failing: readonly ProbeResult[];
  readonly logs: readonly LogEvidence[];
  readonly endpoints: readonly EndpointConfig[];
  readonly diagnose: (text: string, contentType?: string) => Finding[];
  /** Told about each log record that carried findings but is tied to no request of smoke-fix's. */
  readonly onIgnored?: (reason: IgnoreReason, entry: LogEvidence, findings: Finding[]) => void;
  /** `repair.scope: history`: findings the expected schema proves (round 1), read after the round's own. */
  readonly proven?: readonly ProvenFinding[] | undefined;
}

function pathOnly(p: string): string {
  const q = p.search(/[?#]/);
  return q === -1 ? p : p.slice(0, q);
}

/** Endpoint name by probed path (the first endpoint of a path wins), built once per collect. */
function endpointsByPath(endpoints: readonly EndpointConfig[]): ReadonlyMap<string, string> {
  const byPath = new Map<string, string>();
  for (const e of endpoints) {
    const path = pathOnly(e.path);
    if (!byPath.has(path)) byPath.set(path, e.name);
  }
  return byPath;
}

/** The endpoint a log record is about, when its request path is one we probe. */
function attribute(entry: LogEvidence, byPath: ReadonlyMap<string, string>): string | undefined {
  if (!entry.requestPath) return undefined;
  return byPath.get(pathOnly(entry.requestPath));
}

function withEndpoint(source: FindingSource, endpoint: string | undefined): FindingSource {
  if (source.type === 'body' || source.type === 'history' || endpoint === undefined) return source;
  return { ...source, endpoint };
}

/** `repair.scope: history`: a finding the expected schema proves, with the migration that created it. */
export interface ProvenFinding {
  readonly finding: MissingRelationFinding;
  readonly migration: string;
}

/**
 * Findings in order of first appearance, bodies before logs, then proven ones, each with every
 * place it was read. The one place a finding's key is computed. Only failing endpoints' bodies
 * are read: a 200 page that happens to mention an error is not drift.
 */
export function collectFindings(input: CollectInput): CollectedFinding[] {
  const byKey = new Map<FindingKey, Collecting>();
  // "finding key + source" pairs already recorded: a set, not a scan of the sources per finding.
  const seenSources = new Set<string>();
  const add = (finding: Finding, source: FindingSource) => {
    const key = findingKey(finding);
    const pair = `${key}\u0000${JSON.stringify(source)}`;
    if (seenSources.has(pair)) return;
    seenSources.add(pair);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { key, finding, sources: [source] });
    else seen.sources.push(source);
  };
  for (const probe of input.failing) {
    for (const f of input.diagnose(probe.body, probe.contentType)) add(f, { type: 'body', endpoint: probe.endpoint });
  }
  // Built on first use: most rounds' records are tied to a request and never need it.
  let byPath: ReadonlyMap<string, string> | undefined;
  for (const entry of input.logs) {
    if (entry.ignored !== undefined) {
      input.onIgnored?.(entry.ignored, entry, input.diagnose(entry.text));
      continue;
    }
    if (entry.request !== undefined) {
      // Tied to one of smoke-fix's requests: credited to it (a login of a profile, or an endpoint).
      const purpose = entry.request.purpose;
      const credit = { ...entry.source, request: describeRequest(entry.request) } as FindingSource;
      for (const f of input.diagnose(entry.text)) add(f, withEndpoint(credit, purpose?.kind === 'endpoint' ? purpose.endpoint : undefined));
      continue;
    }
    byPath ??= endpointsByPath(input.endpoints);
    const endpoint = attribute(entry, byPath);
    // Tied, but to no one request (a server-log record while several requests were in flight), or
    // from a caller that does not tie (unit tests of the loop): the endpoint its path names, if
    // any. The run itself ties every record first (commands/run.ts → evidence/tie.ts).
    if (entry.requestPath !== undefined && endpoint === undefined) continue;
    for (const f of input.diagnose(entry.text)) add(f, withEndpoint(entry.source, endpoint));
  }
  // Proven findings join the round's own: one entry per name, the history listed as a source.
  for (const p of input.proven ?? []) add(p.finding, { type: 'history', migration: p.migration });
  return [...byKey.values()];
}

export function toSourced(collected: readonly CollectedFinding[]): SourcedFinding[] {
  return collected.flatMap((c) => c.sources.map((source) => ({ finding: c.finding, source })));
}
