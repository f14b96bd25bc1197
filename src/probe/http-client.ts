/**
 * The one HTTP client of a run: an undici `Pool` on the target's origin (keep-alive, at most
 * `http.concurrency` connections), no redirect following, a deadline over headers AND body, and
 * bounded body reads. Cookies are only sent when the caller passes a jar: undici keeps none.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import tls from 'node:tls';
import { Pool } from 'undici';
import type { HttpConfig } from '../config/types.js';
import { ACCEPT_ENCODING, decodeText, decodedBody, readCapped } from './body.js';
import { sendWithRetries, type RetryPolicy } from './retry.js';
import { RequestTimeoutError, toTransportError, TransportError } from './transport.js';
import type { HttpClient, HttpRequest, HttpResponse } from './types.js';
import { REQUEST_ID_HEADER, RequestLedger } from './request-ledger.js';
import { VERSION } from '../version.js';

const EMPTY = Buffer.alloc(0);

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly http: HttpConfig;
  /** First back-off wait before a retry, ms (doubles each time). Default 100. */
  readonly retryMinTimeoutMs?: number;
  /** The run's stop signal (SIGTERM): requests in flight are aborted at once when it fires. */
  readonly signal?: AbortSignal | undefined;
  /** Where every request sent is recorded with its id; a fresh one (new run id) when absent. */
  readonly ledger?: RequestLedger;
}

/** Names the tool in access logs, so a person (and the evidence rules) can tell its requests apart. */
const USER_AGENT = `smoke-fix/${VERSION}`;

/** Lower-cases header names so later sources override earlier ones whatever their spelling. */
export function mergeHeaders(...sources: ReadonlyArray<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    if (!source) continue;
    for (const [name, value] of Object.entries(source)) out[name.toLowerCase()] = value;
  }
  return out;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The values of a Content-Length header when they disagree (RFC 9112 §6.3: the framing is then
 * unknowable), else undefined. One plain value, nearly every answer, is settled without lists.
 */
function conflictingLengths(header: string | string[] | undefined): string[] | undefined {
  if (header === undefined || (typeof header === 'string' && !header.includes(','))) return undefined;
  const lengths = asList(header).flatMap((v) => v.split(',')).map((v) => v.trim());
  return new Set(lengths).size > 1 ? lengths : undefined;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { http } = options;
  const base = new URL(options.baseUrl);
  // A base URL may carry a path prefix (an app mounted under /app): endpoint paths go below it.
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: http.concurrency,
    pipelining: 1,
    connect: {
      timeout: http.timeoutMs,
      // Read here, checked at config load (a missing or non-PEM file is a config error there).
      // `ca` replaces Node's CA list: keep the public CAs and add the configured ones.
      ...(http.caFile ? { ca: [...tls.rootCertificates, readFileSync(http.caFile, 'utf8')] } : {}),
      ...(http.insecure ? { rejectUnauthorized: false } : {}),
    },
    headersTimeout: http.timeoutMs,
    bodyTimeout: http.timeoutMs,
  });
  const ledger = options.ledger ?? new RequestLedger();
  const retry: RetryPolicy = {
    retries: http.retries,
    minTimeoutMs: options.retryMinTimeoutMs ?? 100,
    retryWindowMs: http.retryWindowMs,
    signal: options.signal,
  };

  // One listener on the run's stop signal for every request in flight, not one added and removed
  // per request (two EventTarget calls each, a twentieth of the probing at 10,000 endpoints).
  const inFlight = new Set<(reason: TransportError | RequestTimeoutError) => void>();
  const stopAll = () => {
    for (const abort of inFlight) abort(stopped());
  };
  const stopped = () => new TransportError('ABORTED', `stopped (${String(options.signal?.reason)}) before a complete answer`, 0);
  options.signal?.addEventListener('abort', stopAll, { once: true });

  async function send(request: HttpRequest): Promise<HttpResponse> {
    const path = prefix + request.path;
    const url = base.origin + path;
    const sent = ledger.begin(request.method, request.path, request.purpose);
    // The id is set last: no configured header may replace the identity evidence is tied to.
    const headers = mergeHeaders(
      { 'user-agent': USER_AGENT, 'accept-encoding': ACCEPT_ENCODING },
      http.headers,
      request.headers,
      { [REQUEST_ID_HEADER]: sent.id },
    );
    if (request.cookieJar) {
      const cookie = await request.cookieJar.getCookieString(url);
      if (cookie) headers.cookie = cookie;
      else delete headers.cookie;
    }
    const started = performance.now();
    // One deadline for the whole exchange: undici's own timeouts are per phase and reset on
    // every chunk, so a slow trickle of body would never hit them. The request is aborted through
    // an EventEmitter, which undici takes in place of an AbortSignal: an AbortController per
    // request (an EventTarget and its listener maps) was a twentieth of the probing. Whatever error
    // undici then gives, the reason recorded here is the one reported.
    const abortion = new EventEmitter();
    let abortedWith: TransportError | RequestTimeoutError | undefined;
    const abort = (reason: TransportError | RequestTimeoutError) => {
      if (abortedWith) return;
      abortedWith = reason;
      abortion.emit('abort');
    };
    const timer = setTimeout(() => abort(new RequestTimeoutError(http.timeoutMs)), http.timeoutMs);
    if (options.signal?.aborted) abort(stopped());
    inFlight.add(abort);
    const settle = () => {
      clearTimeout(timer);
      inFlight.delete(abort);
    };
    try {
      if (abortedWith) throw abortedWith;
      const res = await pool.request({
        path,
        method: request.method as 'GET',
        headers,
        body: request.body,
        signal: abortion,
      });
      const lengths = conflictingLengths(res.headers['content-length']);
      if (lengths) {
        // RFC 9112 §6.3: conflicting lengths make the framing unknowable; nothing read is trusted.
        res.body.destroy();
        throw new TransportError('BAD_HTTP', `the answer is not usable HTTP: conflicting Content-Length headers (${lengths.join(', ')})`, 0);
      }
      const discard = request.discardBody?.(res.statusCode) === true;
      // Drained as it came (still encoded): the connection stays reusable and nothing is kept.
      // `finished` rejects as an async iteration would (an error, a body cut short), without a
      // promise per chunk: 10,000 pages of 1 MiB are 160,000 chunks.
      if (discard) await finished(res.body.resume());
      const { bytes, truncated } = discard
        ? { bytes: EMPTY, truncated: false }
        : await readCapped(decodedBody(res.body, firstHeader(res.headers['content-encoding'])), http.maxBodyBytes);
      // The exchange is over: what follows is local work, which no deadline or stop may relabel.
      settle();
      const contentType = firstHeader(res.headers['content-type']);
      if (request.cookieJar) {
        for (const setCookie of asList(res.headers['set-cookie'])) {
          // A cookie the jar refuses (bad domain, Secure over plain http to a remote host) is
          // dropped as a browser would drop it.
          await request.cookieJar.setCookie(setCookie, url, { ignoreError: true });
        }
      }
      return {
        status: res.statusCode,
        headers: res.headers,
        body: decodeText(bytes, contentType),
        bodyTruncated: truncated,
        contentType,
        location: firstHeader(res.headers.location),
        durationMs: Math.round(performance.now() - started),
        requestId: sent.id,
      };
    } catch (caught) {
      const err = abortedWith ?? caught;
      const durationMs = Math.round(performance.now() - started);
      if (err instanceof TransportError && err.durationMs === 0) {
        const rethrown = new TransportError(err.code, err.message, durationMs);
        rethrown.requestId = sent.id;
        throw rethrown;
      }
      const transport = toTransportError(err, durationMs);
      if (transport) transport.requestId = sent.id;
      throw transport ?? err;
    } finally {
      ledger.end(sent);
      settle();
    }
  }

  return {
    baseUrl: options.baseUrl,
    concurrency: http.concurrency,
    ledger,
    send,
    sendWithRetries: (request) => sendWithRetries({ send, request, policy: retry }),
    close: () => {
      options.signal?.removeEventListener('abort', stopAll);
      return pool.close();
    },
  };
}
