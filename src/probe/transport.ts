/**
 * Transport failures: requests that got no HTTP answer. They are retried; an HTTP status (even a
 * 500) is an answer and is not one of them, except the gateway statuses below.
 */
import { OS_TRANSPORT_CODES, SmokeFixError, type TransportCode } from '../errors.js';
import type { TransportFailure } from './types.js';

/** Statuses a proxy sends while the app behind it restarts: retried like a refused connection. */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * One exchange got no usable answer. Caught by the retries and kept in the probe's attempts: the
 * endpoint's failure is data in the result, so the exit code is that of a failing endpoint.
 */
export class TransportError extends SmokeFixError implements TransportFailure {
  override readonly exitCode = 1;
  /** The `X-Request-Id` of the attempt that failed (set by the HTTP client). */
  requestId: string | undefined;
  constructor(
    override readonly code: TransportCode,
    message: string,
    /** Time spent on the failed attempt. */
    readonly durationMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by the timer that bounds one whole request (headers and body); becomes a `TIMEOUT`. */
export class RequestTimeoutError extends SmokeFixError {
  override readonly code = 'TIMEOUT';
  override readonly exitCode = 1;
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

// undici's own codes mapped to the stable ones reports use; OS codes pass through as they are.
const UNDICI_CODES: Readonly<Record<string, TransportCode>> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'TIMEOUT',
  UND_ERR_HEADERS_TIMEOUT: 'TIMEOUT',
  UND_ERR_BODY_TIMEOUT: 'TIMEOUT',
  UND_ERR_ABORTED: 'ECONNRESET',
};

const isOsCode = (code: string): code is (typeof OS_TRANSPORT_CODES)[number] => (OS_TRANSPORT_CODES as readonly string[]).includes(code);

function codeOf(err: unknown): TransportCode | undefined {
  if (err instanceof RequestTimeoutError) return 'TIMEOUT';
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (isOsCode(code)) return code;
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

/**
 * Answers that are not HTTP, and TLS handshakes that failed: the endpoint's own failure (one bad
 * endpoint must not end the run), never retried (the same bytes would come back), with a reason a
 * person can act on.
 */
const BAD_HTTP_CODES: Readonly<Record<string, string>> = {
  UND_ERR_HEADERS_OVERFLOW: 'its headers are larger than the client accepts',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'its body does not match its Content-Length',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'its body exceeds the maximum size',
  UND_ERR_INFO: 'it is not a valid HTTP answer',
};

/** Codes a retry cannot cure: the answer or the certificate would be the same. */
export const PERMANENT_CODES: ReadonlySet<TransportCode> = new Set<TransportCode>(['BAD_HTTP', 'TLS', 'BAD_REQUEST', 'ABORTED', 'HTTP_ERROR']);

function permanentFailure(err: unknown, durationMs: number): TransportError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.name === 'HTTPParserError' || code.startsWith('HPE_')) {
    // The parser's own `data` (the raw bytes) is left out: it is the target's text, not ours.
    return new TransportError('BAD_HTTP', `the answer is not valid HTTP/1.1: ${message}`, durationMs, { cause: err });
  }
  if (code in BAD_HTTP_CODES) {
    return new TransportError('BAD_HTTP', `the answer is not usable HTTP: ${BAD_HTTP_CODES[code]} (${code})`, durationMs, { cause: err });
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return new TransportError(
      'TLS',
      `TLS certificate not accepted (${code}: ${message}); give the CA's PEM in http.caFile, or (tests only) set http.insecure: true`,
      durationMs,
      { cause: err },
    );
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    return new TransportError('BAD_REQUEST', `the request could not be sent: ${message}`, durationMs, { cause: err });
  }
  const cause = e.cause;
  return cause !== undefined && cause !== err ? permanentFailure(cause, durationMs) : undefined;
}

/** A transport failure as a `TransportError`, or undefined when `err` is something else (a bug). */
export function toTransportError(err: unknown, durationMs: number): TransportError | undefined {
  if (err instanceof TransportError) return err;
  const permanent = permanentFailure(err, durationMs);
  if (permanent) return permanent;
  const code = codeOf(err);
  if (!code) {
    // Any other refusal by the HTTP client is still about this one exchange, not a bug of the run.
    const undici = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    if (typeof undici === 'string' && undici.startsWith('UND_ERR_')) {
      return new TransportError('HTTP_ERROR', `${err instanceof Error ? err.message : undici} (${undici})`, durationMs, { cause: err });
    }
    return undefined;
  }
  const message = err instanceof Error && err.message ? err.message : code;
  return new TransportError(code, message, durationMs, { cause: err });
}
