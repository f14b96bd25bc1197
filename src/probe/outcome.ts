/** Pure: what one probe's answer means (ok or not, and the one-line reason). */
import { csrfFailure } from './django-pages.js';
import { jsonErrorsReason, type JsonErrorChecks } from './json-errors.js';
import type { TransportFailure } from './types.js';

export interface OutcomeInput {
  readonly expected: readonly number[];
  readonly status: number | null;
  readonly location?: string | undefined;
  readonly body: string;
  readonly failure?: TransportFailure | undefined;
  readonly attempts: number;
  /** The endpoint's auth profile, if any. */
  readonly profile?: string | undefined;
  /** The profile whose login page `location` is, if it is one. */
  readonly loginPageOf?: string | undefined;
  /** True when the session logged in again for this request and it still redirected. */
  readonly renewed?: boolean | undefined;
  /** Checks of a JSON body that came with an expected status (`graphql`, `expectNoErrors`). */
  readonly jsonChecks?: JsonErrorChecks | undefined;
  readonly bodyTruncated?: boolean | undefined;
}

export function isRedirect(status: number | null): boolean {
  return status !== null && status >= 300 && status < 400;
}

function afterAttempts(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} attempts)` : '';
}

function loginNote(input: OutcomeInput): string {
  const owner = input.loginPageOf;
  if (!owner) return '';
  if (input.profile === undefined) {
    return ` — the login page of auth profile "${owner}": this endpoint is probed without a session (set its auth)`;
  }
  if (input.profile !== owner) return ` — the login page of auth profile "${owner}", not of "${input.profile}"`;
  return input.renewed
    ? ` — the "${owner}" session is not logged in (logged in again this round, still redirected)`
    : ` — the "${owner}" session is not logged in`;
}

export function describeOutcome(input: OutcomeInput): { ok: boolean; reason?: string } {
  const { status, expected } = input;
  if (status === null) {
    const f = input.failure;
    return { ok: false, reason: `${f ? `${f.code}: ${f.message}` : 'no answer'}${afterAttempts(input.attempts)}` };
  }
  if (expected.includes(status)) {
    // Decided here, while the body is still at hand: a passing page's body is not kept.
    const errors = input.jsonChecks ? jsonErrorsReason(input.body, input.jsonChecks, input.bodyTruncated) : undefined;
    // The status is shown beside the reason everywhere; the reason says what in the body failed.
    return errors === undefined ? { ok: true } : { ok: false, reason: errors };
  }
  if (isRedirect(status)) {
    const to = input.location ? `redirected to ${input.location}` : `${status} redirect without a location`;
    return { ok: false, reason: to + loginNote(input) };
  }
  if (status === 403) {
    const csrf = csrfFailure(input.body);
    if (csrf) return { ok: false, reason: `403 ${csrf}` };
  }
  if (input.failure) return { ok: false, reason: `${status}${afterAttempts(input.attempts)}` };
  // The bare status: reports already show "500 (expected 200)" beside it, so nothing is repeated.
  return { ok: false, reason: String(status) };
}
