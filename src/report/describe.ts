/**
 * Plain-text descriptions shared by the reporters: where a finding was read, what a probe answered.
 * (A finding's words are in diagnose/describe.ts, an action's in repair/describe.ts.) They return
 * raw text; each format escapes it its own way.
 */
import { sourcePlace } from '../diagnose/describe.js';
import type { FindingSource } from '../diagnose/types.js';
import type { ProbeSummary } from '../result.js';

/** `response body of "public profile"`, `log file /var/log/app/django.log (after "settings")`. */
export function sourceText(source: FindingSource): string {
  if (source.type === 'body') return `${sourcePlace(source)} of "${source.endpoint}"`;
  if (source.type === 'history') return `${sourcePlace(source)} (created by ${source.migration})`;
  return sourcePlace(source) + credit(source);
}

/** The request of smoke-fix's a log record is tied to (`login of profile alice (POST /accounts/login/)`). */
function credit(source: { readonly endpoint?: string | undefined; readonly request?: string | undefined }): string {
  if (source.request) return `, for ${source.request}`;
  return source.endpoint ? ` (after "${source.endpoint}")` : '';
}

/** `500 (expected 200)`, `no answer (ECONNREFUSED)`. */
export function statusText(probe: ProbeSummary): string {
  const got = probe.status === null ? `no answer${probe.failure ? ` (${probe.failure.code})` : ''}` : String(probe.status);
  // An expected status that failed a body check (`graphql`, `expectNoErrors`): its reason follows.
  const expectedStatus = probe.status !== null && probe.expected.includes(probe.status);
  return probe.ok || expectedStatus ? got : `${got} (expected ${probe.expected.join(' or ')})`;
}
