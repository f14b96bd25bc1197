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
      const { body: _body, ...rest } = probe;
      summary = { ...rest, bodyExcerpt: '' };
      passing.set(probe, summary);
    }
    return summary;
  }
  const { body, ...rest } = probe;
  const excerpt = probe.ok ? '' : firstFindingMessage ?? readable(body);
  return { ...rest, bodyExcerpt: excerpt.length > EXCERPT_CHARS ? excerpt.slice(0, EXCERPT_CHARS) + '…' : excerpt };
}
