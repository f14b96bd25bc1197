import type { EndpointConfig } from '../config/types.js';

/** Why a probe attempt did not get an HTTP answer (or got a gateway error). */
export interface TransportFailure {
  /** Stable code: ECONNREFUSED, ECONNRESET, TIMEOUT, HTTP_502, … */
  readonly code: string;
  readonly message: string;
}

/** One HTTP request/response. A 500 is a normal result here, not an error. */
export interface ProbeAttempt {
  readonly status: number | null;
  readonly durationMs: number;
  readonly failure?: TransportFailure | undefined;
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
  readonly durationMs: number;
  readonly attempts: readonly ProbeAttempt[];
  /** Response body, decoded as text, at most `http.maxBodyBytes` bytes. Not written to reports. */
  readonly body: string;
  readonly bodyTruncated: boolean;
  readonly contentType?: string | undefined;
  /** Final transport failure when status is null. */
  readonly failure?: TransportFailure | undefined;
}
