/**
 * A run that ends stuck because the app hides its errors (Django with DEBUG=False answers a bare
 * `Server Error (500)`) while smoke-fix reads no log: the fix is in the config, so say which key.
 */
import type { ProbeResult } from '../probe/types.js';

/** Stable code on such a stuck result, so report.md's "What to do next" can name the keys too. */
export const NO_ERROR_SOURCE = 'NO_ERROR_SOURCE';

/** What to add to the config, or undefined when a log is read or no failure is a server error. */
export function noErrorSourceHint(failing: readonly ProbeResult[], readsLogs: boolean): string | undefined {
  if (readsLogs) return undefined;
  const serverErrors = failing.filter((p) => p.status !== null && p.status >= 500);
  if (serverErrors.length === 0) return undefined;
  return (
    ` ${serverErrors.length === failing.length ? 'Every' : `${serverErrors.length} of ${failing.length}`} failing page answered ${serverErrors[0]!.status}` +
    ' without a database error in its body (as Django does with DEBUG=False), and no log is read:' +
    ' add `logs: [<the app\'s log file>]` (Django\'s django.request logger) or `database.serverLog: true` (PostgreSQL\'s own log) to the config, then run again.'
  );
}
