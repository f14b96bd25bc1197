/**
 * Transport retries with p-retry (exponential back-off). Every attempt is recorded. A 500 is an
 * answer the cascade diagnoses: it is returned at once, never retried.
 *
 * Only idempotent requests (RFC 9110: GET, HEAD, OPTIONS, PUT, DELETE) are sent again after a
 * reset, a timeout or a gateway status: the first one may have reached the app already. A POST or
 * PATCH is retried only when its connection was refused, i.e. it certainly never arrived.
 */
import pRetry, { AbortError } from 'p-retry';
import { GATEWAY_STATUSES, TransportError } from './transport.js';
import type { Exchange, HttpRequest, HttpResponse, ProbeAttempt, TransportFailure } from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** First back-off wait, ms; doubles on each retry. */
  readonly minTimeoutMs: number;
}

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
function mayResend(method: string, failureCode: string): boolean {
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

  try {
    const response = await pRetry(attempt, { retries: policy.retries, minTimeout: policy.minTimeoutMs, factor: 2 });
    return { response, attempts, durationMs: elapsed() };
  } catch (err) {
    if (err instanceof GatewayAnswer) {
      return { response: err.response, attempts, failure: gatewayFailure(err.response.status), durationMs: elapsed() };
    }
    if (err instanceof TransportError) {
      return { attempts, failure: { code: err.code, message: err.message }, durationMs: elapsed() };
    }
    throw err;
  }
}
