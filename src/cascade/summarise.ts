/** What of a probe is kept in the result: everything but the body, which shrinks to an excerpt. */
import type { ProbeResult } from '../probe/types.js';
import type { ProbeSummary } from '../result.js';

const EXCERPT_CHARS = 300;

/** HTML tags and runs of whitespace removed, so a Django error page excerpt is readable. */
function readable(body: string): string {
  return body
    .slice(0, 64 * 1024)
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function summariseProbe(probe: ProbeResult, firstFindingMessage?: string): ProbeSummary {
  const { body, ...rest } = probe;
  const excerpt = probe.ok ? '' : firstFindingMessage ?? readable(body);
  return { ...rest, bodyExcerpt: excerpt.length > EXCERPT_CHARS ? excerpt.slice(0, EXCERPT_CHARS) + '…' : excerpt };
}
