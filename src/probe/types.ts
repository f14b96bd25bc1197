import type { TransportCode } from '../errors.js';
import type { EndpointConfig } from '../config/types.js';
import type { RequestLedger, RequestPurpose } from './request-ledger.js';

/** Why a probe attempt did not get an HTTP answer (or got a gateway error). */
export interface TransportFailure {
  /** Stable code: ECONNREFUSED, ECONNRESET, TIMEOUT, HTTP_502, … */
  readonly code: TransportCode;
  readonly message: string;
}

/** A request as a result records it (the run's ledger holds the live entry). */
export interface SentRequestSummary {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** `login of profile alice (POST /accounts/login/)` or the endpoint's own request. */
  readonly purpose: string;
  readonly startedAt: string;
  readonly endedAt?: string | undefined;
}

/** One HTTP request/response. A 500 is a normal result here, not an error. */
export interface ProbeAttempt {
  readonly status: number | null;
  readonly durationMs: number;
  readonly failure?: TransportFailure | undefined;
  /** The `X-Request-Id` smoke-fix sent with this attempt (its time window is in the run's ledger). */
  readonly requestId?: string | undefined;
}

/**
 * The outcome of probing one endpoint once (after transport retries). Hurl-style: retries keep
 * their history in `attempts`, only the last one counts.
 */
export interface ProbeResult {
  readonly endpoint: string;
  readonly method: EndpointConfig['method'];
  readonly path: string;
  readonly auth?: string | undefined;
  /** Final HTTP status, or null when the target could not be reached after retries. */
  readonly status: number | null;
  readonly expected: readonly number[];
  /** True when `status` is in `expected` (and no other check failed). */
  readonly ok: boolean;
  /** One line on why it is not ok: `500`, `redirected to /accounts/login/`, `ECONNREFUSED …`. */
  readonly reason?: string | undefined;
  readonly location?: string | undefined;
  readonly startedAt: string;
  /** When the last request for this endpoint ended (ISO). */
  readonly endedAt?: string | undefined;
  readonly durationMs: number;
  /**
   * Every request sent for this result, login requests included, in order: id, method, path and
   * time window. Log records are tied to these (see src/evidence/tie.ts).
   */
  readonly requests?: readonly SentRequestSummary[] | undefined;
  readonly attempts: readonly ProbeAttempt[];
  /** Response body, decoded as text, at most `http.maxBodyBytes` bytes. Not written to reports. */
  readonly body: string;
  readonly bodyTruncated: boolean;
  readonly contentType?: string | undefined;
  /** Final transport failure when status is null. */
  readonly failure?: TransportFailure | undefined;
}

// ---------------------------------------------------------------------------------------------
// The HTTP seam (src/probe/http-client.ts) and the session seam (src/probe/sessions.ts).
// ---------------------------------------------------------------------------------------------

/** A cookie jar as the HTTP client uses it: tough-cookie's `CookieJar` fits (RFC 6265 rules). */
export interface CookieStore {
  getCookieString(url: string): Promise<string>;
  setCookie(cookie: string, url: string, options: { ignoreError: boolean }): Promise<unknown>;
}

export interface HttpRequest {
  readonly method: string;
  /** Path relative to the client's `baseUrl` (its path prefix, if any, is prepended). */
  readonly path: string;
  /** Request headers; merged over `http.headers`. Names are case-insensitive. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  /** Cookies for this request are read from it and `set-cookie` answers stored back. None when absent. */
  readonly cookieJar?: CookieStore | undefined;
  /** Why smoke-fix sends it (recorded in the run's request ledger). */
  readonly purpose?: RequestPurpose | undefined;
  /**
   * True for a status whose body nobody will read (a passing page): it is drained without being
   * kept or decoded, so 10,000 healthy pages of 1 MiB cost neither memory nor decoding time.
   */
  readonly discardBody?: ((status: number) => boolean) | undefined;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; `set-cookie` (and other repeated headers) as arrays. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Decoded text of at most `http.maxBodyBytes` bytes; the rest was drained, not kept. */
  readonly body: string;
  readonly bodyTruncated: boolean;
  readonly contentType?: string | undefined;
  /** The `location` header of a redirect, as sent (never followed). */
  readonly location?: string | undefined;
  readonly durationMs: number;
  /** The `X-Request-Id` it was sent with. */
  readonly requestId?: string | undefined;
}

/** One request after transport retries: the last response (if any) and every attempt. */
export interface Exchange {
  /** Absent when no attempt got an HTTP answer. Present for a 502/503/504 that outlasted the retries. */
  readonly response?: HttpResponse | undefined;
  readonly attempts: readonly ProbeAttempt[];
  /** The last attempt's failure: a transport error, or `HTTP_503` etc. when retries ran out. */
  readonly failure?: TransportFailure | undefined;
  /** Wall time over all attempts and back-off waits. */
  readonly durationMs: number;
}

export interface HttpClient {
  /** Absolute base URL the paths are resolved against. */
  readonly baseUrl: string;
  /** Requests in flight at once (`http.concurrency`); the connection pool is bounded by it too. */
  readonly concurrency: number;
  /** Every request this client sent, with its id and time window. */
  readonly ledger: RequestLedger;
  /** One attempt. Throws `TransportError` when no HTTP answer came (refused, reset, timeout). */
  send(request: HttpRequest): Promise<HttpResponse>;
  /** `send` with transport retries (p-retry): refused/reset/timeout/502/503/504; never a 500. */
  sendWithRetries(request: HttpRequest): Promise<Exchange>;
  /** Closes the keep-alive connections. */
  close(): Promise<void>;
}

/** What a session adds to one request. */
export interface Authorized {
  readonly kind: 'ready';
  readonly headers: Readonly<Record<string, string>>;
  readonly cookieJar?: CookieStore | undefined;
  /** Which login the request rides on; passed back to `renew` so concurrent renewals share one login. */
  readonly generation: number;
}

/**
 * The login could not be done this round for a reason that is a *finding* (the login page
 * answered 5xx, was unreachable, or refused the form with a CSRF 403): every endpoint of the
 * profile reports this exchange instead, and the next round tries to log in again.
 */
export interface LoginBlocked {
  readonly kind: 'blocked';
  readonly exchange: Exchange;
  readonly reason: string;
}

export type Authorization = Authorized | LoginBlocked;

/** One named auth profile at run time. `django-session` is one implementation among others. */
export interface AuthSession {
  readonly profile: string;
  /** Headers (and cookie jar) for a request; logs in lazily first when the profile needs it. */
  authorize(request: { readonly method: string }): Promise<Authorization>;
  /** True when `location` is this profile's login page (the session is not logged in). */
  isLoginPage(location: string): boolean;
  /**
   * The request sent with `generation` was redirected to the login page: log in again (at most
   * once per round) and authorize the retry; undefined when no renewal is possible this round.
   */
  renew(request: { readonly method: string; readonly generation: number }): Promise<Authorization | undefined>;
  /** A new probe round starts: a failed login may be retried, a renewal may happen again. */
  beginRound(): void;
  /** Current secret values (password, token, cookie values…) to mask out of results. */
  secrets(): Promise<string[]>;
}

export interface SessionManager {
  beginRound(): void;
  /** The session for an endpoint's `auth` name; undefined for an anonymous endpoint. */
  session(profile: string | undefined): AuthSession | undefined;
  /** Name of the profile whose login page `location` is, if any. */
  loginPageOwner(location: string): string | undefined;
  secrets(): Promise<string[]>;
}

/**
 * The reason when it says more than the status itself (`redirected to …`, a CSRF reason, a
 * transport failure); undefined for a plain `500`, which every output already shows as a status.
 */
export function reasonBeyondStatus(probe: Pick<ProbeResult, 'reason' | 'status'>): string | undefined {
  return probe.reason && probe.reason !== String(probe.status) ? probe.reason : undefined;
}
