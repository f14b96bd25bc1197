/**
 * Every HTTP request smoke-fix makes in one run, each with its own identity: an `X-Request-Id`
 * (`sf-<run id>-<n>`) and a time window. Evidence read from logs counts only when it is tied to one
 * of these (src/evidence/tie.ts), so the ledger is the one list of "requests smoke-fix made".
 *
 * The run id is random (not a timestamp or a counter): a visitor who can write into the app's log
 * cannot guess it, so a log record carrying one of these ids was written for our request.
 */
import { randomBytes } from 'node:crypto';
import { isoTime } from '../util/iso-time.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Why smoke-fix sent a request: to probe an endpoint, or to log a profile in. */
export type RequestPurpose =
  | { readonly kind: 'endpoint'; readonly endpoint: string }
  | { readonly kind: 'login'; readonly profile: string };

export interface SentRequest {
  readonly id: string;
  readonly method: string;
  /** The request target as sent (path and query), relative to baseUrl. */
  readonly path: string;
  readonly purpose?: RequestPurpose | undefined;
  /** Epoch ms when the request was sent, and when its answer ended (or it failed). */
  readonly startMs: number;
  endMs: number | undefined;
}

/** `login of profile alice (POST /accounts/login/)`, `endpoint "settings" (GET /me/settings/)`. */
export function describeRequest(r: Pick<SentRequest, 'method' | 'path' | 'purpose'>): string {
  const line = `${r.method} ${r.path}`;
  if (r.purpose?.kind === 'login') return `login of profile ${r.purpose.profile} (${line})`;
  if (r.purpose?.kind === 'endpoint') return `endpoint ${JSON.stringify(r.purpose.endpoint)} (${line})`;
  return line;
}

export class RequestLedger {
  readonly runId: string;
  private readonly byId = new Map<string, SentRequest>();
  private readonly sent: SentRequest[] = [];
  private counter = 0;
  /** Matches this run's ids only: `sf-<run id>-<n>` as a whole word. */
  readonly idPattern: RegExp;

  constructor(runId: string = randomBytes(6).toString('hex'), private readonly clock: () => number = Date.now) {
    if (!/^[0-9a-z]+$/.test(runId)) throw new RangeError(`run id must be lower-case letters and digits, got ${JSON.stringify(runId)}`);
    this.runId = runId;
    this.idPattern = new RegExp(`(?<![\\w-])sf-${runId}-\\d+(?![\\w-])`, 'g');
  }

  /** A new request is about to be sent: its id, recorded with its start time. */
  begin(method: string, path: string, purpose?: RequestPurpose): SentRequest {
    this.counter += 1;
    const request: SentRequest = { id: `sf-${this.runId}-${this.counter}`, method: method.toUpperCase(), path, purpose, startMs: this.clock(), endMs: undefined };
    this.byId.set(request.id, request);
    this.sent.push(request);
    return request;
  }

  /** Its answer was read to the end (or it failed). */
  end(request: SentRequest): void {
    request.endMs ??= this.clock();
  }

  get(id: string): SentRequest | undefined {
    return this.byId.get(id);
  }

  /** This run's request ids found in `text`, known ones only, in order of appearance. */
  idsIn(text: string): SentRequest[] {
    const found: SentRequest[] = [];
    for (const m of text.matchAll(this.idPattern)) {
      const r = this.byId.get(m[0]);
      if (r && !found.includes(r)) found.push(r);
    }
    return found;
  }

  all(): readonly SentRequest[] {
    return this.sent;
  }
}

/** The ledger entries of `ids` as a result records them. */
export function summariseRequests(ledger: RequestLedger, ids: readonly (string | undefined)[]) {
  return ids.flatMap((id) => {
    const r = id === undefined ? undefined : ledger.get(id);
    if (!r) return [];
    return [
      {
        id: r.id,
        method: r.method,
        path: r.path,
        purpose: describeRequest(r),
        startedAt: isoTime(r.startMs),
        ...(r.endMs !== undefined ? { endedAt: isoTime(r.endMs) } : {}),
      },
    ];
  });
}
