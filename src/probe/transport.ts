/**
 * Transport failures: requests that got no HTTP answer. They are retried; an HTTP status (even a
 * 500) is an answer and is not one of them, except the gateway statuses below.
 */
import type { TransportFailure } from './types.js';

/** Statuses a proxy sends while the app behind it restarts: retried like a refused connection. */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export class TransportError extends Error implements TransportFailure {
  /** The `X-Request-Id` of the attempt that failed (set by the HTTP client). */
  requestId: string | undefined;
  constructor(
    readonly code: string,
    message: string,
    /** Time spent on the failed attempt. */
    readonly durationMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/** Thrown by the timer that bounds one whole request (headers and body). */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

// undici's own codes mapped to the stable ones reports use; OS codes pass through as they are.
const UNDICI_CODES: Readonly<Record<string, string>> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  UND_ERR_ABORTED: 'ECONNRESET',
};

const OS_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

function codeOf(err: unknown): string | undefined {
  if (err instanceof RequestTimeoutError) return 'TIMEOUT';
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (OS_CODES.has(code)) return code;
    if (code in UNDICI_CODES) return UNDICI_CODES[code];
  }
  // Happy-eyeballs connects (localhost → ::1 and 127.0.0.1) fail with an AggregateError.
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const c = codeOf(inner);
      if (c) return c;
    }
  }
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err ? codeOf(cause) : undefined;
}

/** A transport failure as a `TransportError`, or undefined when `err` is something else (a bug). */
export function toTransportError(err: unknown, durationMs: number): TransportError | undefined {
  if (err instanceof TransportError) return err;
  const code = codeOf(err);
  if (!code) return undefined;
  const message = err instanceof Error && err.message ? err.message : code;
  return new TransportError(code, message, durationMs, { cause: err });
}
