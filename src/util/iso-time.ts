/**
 * Epoch milliseconds as an ISO-8601 string, the last two answers remembered: a probe is stamped
 * when it starts and its request when it starts and ends, and most requests share those
 * milliseconds with the requests around them, so at 10,000 endpoints nearly every call skips the
 * Date and its formatting.
 */
const ms = [Number.NaN, Number.NaN];
const text = ['', ''];
let older = 0;

export function isoTime(at: number = Date.now()): string {
  if (at === ms[0]) return text[0]!;
  if (at === ms[1]) return text[1]!;
  const slot = older;
  older = 1 - older;
  ms[slot] = at;
  return (text[slot] = new Date(at).toISOString());
}
