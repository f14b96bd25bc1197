/** Turning a round's failing bodies and new log records into de-duplicated, sourced findings. */
import type { EndpointConfig } from '../config/types.js';
import { findingKey, type Finding, type FindingSource, type SourcedFinding } from '../diagnose/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { LogEvidence } from '../evidence/log-evidence.js';
import { describeRequest } from '../probe/request-ledger.js';
import type { IgnoreReason } from '../evidence/tie.js';

export interface CollectedFinding {
  readonly key: string;
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
}

function pathOnly(p: string): string {
  const q = p.search(/[?#]/);
  return q === -1 ? p : p.slice(0, q);
}

/** The endpoint a log record is about, when its request path is one we probe. */
function attribute(entry: LogEvidence, endpoints: readonly EndpointConfig[]): string | undefined {
  if (!entry.requestPath) return undefined;
  const path = pathOnly(entry.requestPath);
  return endpoints.find((e) => pathOnly(e.path) === path)?.name;
}

function withEndpoint(source: FindingSource, endpoint: string | undefined): FindingSource {
  if (source.type === 'body' || source.type === 'history' || endpoint === undefined) return source;
  return { ...source, endpoint };
}

/**
 * Findings in order of first appearance, bodies before logs, each with every place it was read.
 * Only failing endpoints' bodies are read: a 200 page that happens to mention an error is not drift.
 */
export function collectFindings(input: CollectInput): CollectedFinding[] {
  const byKey = new Map<string, CollectedFinding>();
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
    const endpoint = attribute(entry, input.endpoints);
    // Tied, but to no one request (a server-log record while several requests were in flight), or
    // from a caller that does not tie (unit tests of the loop): the endpoint its path names, if
    // any. The run itself ties every record first (commands/run.ts → evidence/tie.ts).
    if (entry.requestPath !== undefined && endpoint === undefined) continue;
    for (const f of input.diagnose(entry.text)) add(f, withEndpoint(entry.source, endpoint));
  }
  return [...byKey.values()];
}

export function toSourced(collected: readonly CollectedFinding[]): SourcedFinding[] {
  return collected.flatMap((c) => c.sources.map((source) => ({ finding: c.finding, source })));
}
