/** Turning a round's failing bodies and new log records into de-duplicated, sourced findings. */
import type { EndpointConfig } from '../config/types.js';
import { findingKey, type Finding, type FindingSource, type SourcedFinding } from '../diagnose/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { LogText } from './deps.js';

export interface CollectedFinding {
  readonly key: string;
  readonly finding: Finding;
  readonly sources: FindingSource[];
}

export interface CollectInput {
  readonly failing: readonly ProbeResult[];
  readonly logs: readonly LogText[];
  readonly endpoints: readonly EndpointConfig[];
  readonly diagnose: (text: string, contentType?: string) => Finding[];
}

function pathOnly(p: string): string {
  const q = p.search(/[?#]/);
  return q === -1 ? p : p.slice(0, q);
}

/** The endpoint a log record is about, when its request path is one we probe. */
function attribute(entry: LogText, endpoints: readonly EndpointConfig[]): string | undefined {
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
  const add = (finding: Finding, source: FindingSource) => {
    const key = findingKey(finding);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { key, finding, sources: [source] });
    } else if (!seen.sources.some((s) => JSON.stringify(s) === JSON.stringify(source))) {
      seen.sources.push(source);
    }
  };
  for (const probe of input.failing) {
    for (const f of input.diagnose(probe.body, probe.contentType)) add(f, { type: 'body', endpoint: probe.endpoint });
  }
  for (const entry of input.logs) {
    const endpoint = attribute(entry, input.endpoints);
    // A record about a request we did not make is not ours to act on: anyone can request
    // `/relation "x" does not exist` and have it logged. Records that name no path at all (a
    // traceback without its request line, PostgreSQL's own log) are still read.
    if (entry.requestPath !== undefined && endpoint === undefined) continue;
    for (const f of input.diagnose(entry.text)) add(f, withEndpoint(entry.source, endpoint));
  }
  return [...byKey.values()];
}

export function toSourced(collected: readonly CollectedFinding[]): SourcedFinding[] {
  return collected.flatMap((c) => c.sources.map((source) => ({ finding: c.finding, source })));
}
