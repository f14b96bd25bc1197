/**
 * Transport retries with p-retry (exponential back-off). Every attempt is recorded. A 500 is an
 * answer the cascade diagnoses: it is returned at once, never retried.
 *
 * Only idempotent requests (RFC 9110: GET, HEAD, OPTIONS, PUT, DELETE) are sent again after a
 * reset, a timeout or a gateway status: the first one may have reached the app already. A POST or
 * PATCH is retried only when its connection was refused, i.e. it certainly never arrived.
 */
import pRetry, { AbortError } from 'p-retry';
import type { TransportCode } from '../errors.js';
import { GATEWAY_STATUSES, PERMANENT_CODES, TransportError } from './transport.js';
import type { Exchange, HttpRequest, HttpResponse, ProbeAttempt, TransportFailure } from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First back-off wait, ms; doubles on each retry, up to MAX_BACKOFF_MS. */
  readonly minTimeoutMs: number;
  /**
   * Retries go on past `retries` until this long has passed since the first attempt: an app that
   * restarts (a deploy, a start-up of a few seconds) is waited for, not reported down. Default 0.
   */
  readonly retryWindowMs?: number;
  /** The run's stop signal: no retry, no back-off wait after it fires. */
  readonly signal?: AbortSignal | undefined;
}

/** Longest wait between two attempts, so an app that comes back is seen within a second. */
const MAX_BACKOFF_MS = 1000;

/** A gateway status, thrown so p-retry retries it; keeps the response for when retries run out. */
class GatewayAnswer extends Error {
  constructor(readonly response: HttpResponse) {
    super(`HTTP ${response.status}`);
  }
}

function gatewayFailure(status: number): TransportFailure {
  return { code: `HTTP_${status}`, message: `the server answered ${status} (gateway or app restarting)` };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Whether sending this request again is safe after `failure`. */
function mayResend(method: string, failureCode: TransportCode): boolean {
  if (PERMANENT_CODES.has(failureCode)) return false;
  return IDEMPOTENT.has(method.toUpperCase()) || failureCode === 'ECONNREFUSED';
}

export async function sendWithRetries(input: {
  send: (request: HttpRequest) => Promise<HttpResponse>;
  request: HttpRequest;
  policy: RetryPolicy;
}): Promise<Exchange> {
  const { send, request, policy } = input;
  const attempts: ProbeAttempt[] = [];
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  const attempt = async (): Promise<HttpResponse> => {
    let response: HttpResponse;
    try {
      response = await send(request);
    } catch (err) {
      if (err instanceof TransportError) {
        attempts.push({ status: null, durationMs: err.durationMs, failure: { code: err.code, message: err.message }, requestId: err.requestId });
        if (!mayResend(request.method, err.code)) throw new AbortError(err);
        throw err;
      }
      // Not a transport failure (a bad header, a bug): retrying cannot help.
      throw new AbortError(err instanceof Error ? err : new Error(String(err)));
    }
    if (GATEWAY_STATUSES.has(response.status)) {
      attempts.push({ status: response.status, durationMs: response.durationMs, failure: gatewayFailure(response.status), requestId: response.requestId });
      const answer = new GatewayAnswer(response);
      throw mayResend(request.method, `HTTP_${response.status}`) ? answer : new AbortError(answer);
    }
    attempts.push({ status: response.status, durationMs: response.durationMs, requestId: response.requestId });
    return response;
  };

  // The first attempt runs outside p-retry: nearly every request is answered at once, and p-retry's
  // set-up per call was a tenth of the probing at 10,000 endpoints. A failure that p-retry would
  // end on at once (an AbortError, no retry left) ends here the same way, before the stop signal is
  // looked at; any other outcome is handed to p-retry as its own first attempt, so a stop signal,
  // back-off and counts are unchanged.
  let first: { readonly response: HttpResponse } | { readonly error: unknown } | undefined;
  if (!policy.signal?.aborted) {
    try {
      first = { response: await attempt() };
    } catch (error) {
      first = { error };
    }
    if ('response' in first && !policy.signal?.aborted) return { response: first.response, attempts, durationMs: elapsed() };
  }
  const replayFirst = async (): Promise<HttpResponse> => {
    const replayed = first;
    first = undefined;
    if (replayed === undefined) return attempt();
    if ('error' in replayed) throw replayed.error;
    return replayed.response;
  };

  const windowMs = policy.retryWindowMs ?? 0;
  try {
    if (first && 'error' in first) {
      if (first.error instanceof AbortError) throw first.error.originalError;
      if (!(policy.retries > 0 || elapsed() < windowMs)) throw first.error;
    }
    const response = await pRetry(replayFirst, {
      retries: windowMs > 0 ? Number.POSITIVE_INFINITY : policy.retries,
      minTimeout: policy.minTimeoutMs,
      maxTimeout: MAX_BACKOFF_MS,
      factor: 2,
      signal: policy.signal,
      // At least `retries` retries, and more while the window lasts.
      shouldRetry: ({ retriesConsumed }) => retriesConsumed < policy.retries || elapsed() < windowMs,
    });
    return { response, attempts, durationMs: elapsed() };
  } catch (err) {
    if (err instanceof GatewayAnswer) {
      return { response: err.response, attempts, failure: gatewayFailure(err.response.status), durationMs: elapsed() };
    }
    if (err instanceof TransportError) {
      return { attempts, failure: { code: err.code, message: err.message }, durationMs: elapsed() };
    }
    if (policy.signal?.aborted) {
      // Stopped during a back-off wait: p-retry throws the signal's reason.
      return { attempts, failure: { code: 'ABORTED', message: `stopped (${String(policy.signal.reason)}) before an answer` }, durationMs: elapsed() };
    }
    throw err;
  }
}
