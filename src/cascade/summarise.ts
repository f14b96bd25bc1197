/** What of a probe is kept in the result: everything but the body, which shrinks to an excerpt. */
import type { ProbeResult } from '../probe/types.js';
import type { ProbeSummary } from '../result.js';
import { textOf } from '../util/html-text.js';

const EXCERPT_CHARS = 300;

/** Readable text of the body's start (a Django error page shown as text, not markup). */
function readable(body: string): string {
  return textOf(body.slice(0, 64 * 1024));
}

/**
 * A passing probe has one summary whoever asks: the round that probed every endpoint and the
 * final pass hold the same object instead of two copies (20,000 objects at 10,000 endpoints).
 */
const passing = new WeakMap<ProbeResult, ProbeSummary>();

export function summariseProbe(probe: ProbeResult, firstFindingMessage?: string): ProbeSummary {
  if (probe.ok) {
    let summary = passing.get(probe);
    if (!summary) {
      summary = withExcerpt(probe, '');
      passing.set(probe, summary);
    }
    return summary;
  }
  const excerpt = firstFindingMessage ?? readable(probe.body);
  return withExcerpt(probe, excerpt.length > EXCERPT_CHARS ? excerpt.slice(0, EXCERPT_CHARS) + '…' : excerpt);
}

/**
 * The probe without its body, field by field in ProbeResult's order (report.json's key order). A
 * literal, not `{ ...rest }`: V8 gave each copy made by rest and spread a hidden class of its own,
 * 10 MB of them at 10,000 endpoints.
 */
function withExcerpt(p: ProbeResult, bodyExcerpt: string): ProbeSummary {
  // `satisfies` with every key required: a field added to ProbeResult must be listed here.
  return {
    endpoint: p.endpoint,
    method: p.method,
    path: p.path,
    auth: p.auth,
    status: p.status,
    expected: p.expected,
    ok: p.ok,
    reason: p.reason,
    location: p.location,
    startedAt: p.startedAt,
    endedAt: p.endedAt,
    durationMs: p.durationMs,
    requests: p.requests,
    attempts: p.attempts,
    bodyTruncated: p.bodyTruncated,
    contentType: p.contentType,
    failure: p.failure,
    bodyExcerpt,
  } satisfies Record<keyof ProbeSummary, unknown>;
}
