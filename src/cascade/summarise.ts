/** What of a probe is kept in the result: everything but the body, which shrinks to an excerpt. */
import type { ProbeResult } from '../probe/types.js';
import type { ProbeSummary } from '../result.js';
import { textOf } from '../util/html-text.js';

const EXCERPT_CHARS = 300;

/** Readable text of the body's start (a Django error page shown as text, not markup). */
function readable(body: string): string {
  return textOf(body.slice(0, 64 * 1024));
}

export function summariseProbe(probe: ProbeResult, firstFindingMessage?: string): ProbeSummary {
  const { body, ...rest } = probe;
  const excerpt = probe.ok ? '' : firstFindingMessage ?? readable(body);
  return { ...rest, bodyExcerpt: excerpt.length > EXCERPT_CHARS ? excerpt.slice(0, EXCERPT_CHARS) + '…' : excerpt };
}
