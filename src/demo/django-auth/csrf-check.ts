/**
 * CsrfViewMiddleware's check (django/middleware/csrf.py): Origin, then Referer, then the token
 * against the cookie's secret, each failure with Django's reason wording. Over plain http the
 * Referer is only checked when sent (Django checks it only over https): a documented simplification.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CSRF_COOKIE, parseCookies } from './cookies.js';
import { isWellFormed, SECRET_LENGTH, unmaskToken, validSecret } from './csrf-token.js';

export interface CsrfPolicy {
  /** CSRF_TRUSTED_ORIGINS: other origins allowed to POST. */
  readonly trustedOrigins?: readonly string[] | undefined;
  /** `request.is_secure()`: the origin the request must come from is https. */
  readonly isSecure?: boolean | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const REASON_NO_CSRF_COOKIE = 'CSRF cookie not set.';
const REASON_CSRF_TOKEN_MISSING = 'CSRF token missing.';

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** null when the request passes (safe method, or a valid token), otherwise Django's reason text. */
export function csrfFailureReason(policy: CsrfPolicy, req: IncomingMessage, form?: URLSearchParams): string | null {
  if (SAFE_METHODS.has((req.method ?? 'GET').toUpperCase())) return null;
  const goodOrigin = `${policy.isSecure ? 'https' : 'http'}://${req.headers.host ?? ''}`;
  const trusted = new Set([goodOrigin, ...(policy.trustedOrigins ?? [])]);
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!trusted.has(origin)) return `Origin checking failed - ${origin} does not match any trusted origins.`;
  } else if (typeof req.headers.referer === 'string') {
    const referer = req.headers.referer;
    const refererOrigin = originOf(referer);
    if (!refererOrigin || !trusted.has(refererOrigin)) return `Referer checking failed - ${referer} does not match any trusted origins.`;
  }
  const secret = validSecret(parseCookies(req).get(CSRF_COOKIE));
  if (!secret) return REASON_NO_CSRF_COOKIE;
  const fromForm = req.method === 'POST' ? form?.get('csrfmiddlewaretoken') : null;
  const header = req.headers['x-csrftoken'];
  const token = fromForm ?? (typeof header === 'string' ? header : undefined);
  const source = fromForm != null ? 'POST' : "the 'X-Csrftoken' HTTP header";
  if (!token) return REASON_CSRF_TOKEN_MISSING;
  if (token.length !== SECRET_LENGTH && token.length !== 2 * SECRET_LENGTH) return `CSRF token from ${source} has incorrect length.`;
  if (!isWellFormed(token)) return `CSRF token from ${source} has invalid characters.`;
  const presented = token.length === SECRET_LENGTH ? token : unmaskToken(token);
  const match = timingSafeEqual(Buffer.from(presented), Buffer.from(secret));
  return match ? null : `CSRF token from ${source} incorrect.`;
}
