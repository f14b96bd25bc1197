/**
 * Which log records may drive a repair: only those tied to a request smoke-fix itself made (the
 * run's `RequestLedger`). Anyone who can get a line into a log can name a table; nobody outside
 * the run knows its request ids or its requests' time windows.
 *
 * An application log record is tied when
 *  (a) its first line carries one of this run's request ids (`sf-<run id>-<n>`), or
 *  (b) the log does not record ids (no record of this file carried one this run) and the record
 *      names the path of a request smoke-fix made, at a time inside that request's window (its own
 *      timestamp, or, without one, the window since the previous read), and its request line, when
 *      it has one, is smoke-fix's own (same query string; a User-Agent, if logged, naming smoke-fix).
 * Nothing else: a record naming no request, or continuing a visitor's request line, is ignored.
 *
 * A PostgreSQL server-log record is tied when it is of this database (and of `database.appRole`
 * when set) and its time (or the read window) falls inside the window of a request smoke-fix made.
 */
import type { LogEntry } from '../logs/types.js';
import type { RequestLedger, SentRequest } from '../probe/request-ledger.js';
import { logLineTime } from './log-time.js';
import { ERROR_SEVERITIES } from '../logs/postgres-labels.js';

export type IgnoreReason =
  | 'no-request-id'
  | 'other-request-id'
  | 'names-no-request'
  | 'path-not-requested'
  | 'visitor-request'
  | 'outside-window'
  | 'server-log-unattributable'
  | 'ambiguous-prefix'
  | 'not-an-error'
  | 'other-database'
  | 'other-role';

/** Why, in words, for reports. One place. */
export const IGNORE_REASONS: Readonly<Record<IgnoreReason, string>> = {
  'no-request-id': "the log records request ids, and this record carries none of this run's",
  'other-request-id': "it carries a smoke-fix request id of another run (or one a client made up)",
  'names-no-request': 'it names no request smoke-fix made (no request id, no request path)',
  'path-not-requested': 'its request path is not one smoke-fix requested',
  'visitor-request': "its request line is another client's (other query string or User-Agent)",
  'outside-window': "its time is outside the window of smoke-fix's requests",
  'server-log-unattributable': "the server log's format names no database",
  'not-an-error': 'it is not an ERROR record (a FATAL one comes from a connection start-up, whose names and parameters any client chooses before a password)',
  'ambiguous-prefix': 'its log_line_prefix reads two ways (a user or database name that imitates a prefix, as a login attempt can send)',
  'other-database': 'it is about another database',
  'other-role': 'it is about another role than database.appRole',
};

export type Tie =
  | { readonly tied: true; readonly request?: SentRequest | undefined }
  | { readonly tied: false; readonly reason: IgnoreReason };

export interface TieContext {
  readonly ledger: RequestLedger;
  /** The read window: the previous read of the logs (or the run's start) and this one, epoch ms. */
  readonly readFromMs: number;
  readonly readToMs: number;
  /** Log files seen carrying this run's ids (kept across reads: the format does not change). */
  readonly taggedFiles: Set<string>;
  /** The database smoke-fix repairs, and the app's role when known (`database.appRole`). */
  readonly database?: { readonly name: string; readonly role?: string | undefined } | undefined;
}

/** Log timestamps often have whole seconds, and the app's clock is the same machine's: 1 s of slack. */
export const WINDOW_SLACK_MS = 1000;

const FOREIGN_ID = /(?<![\w-])sf-[0-9a-z]+-\d+(?![\w-])/;

const ignore = (reason: IgnoreReason): Tie => ({ tied: false, reason });

function pathOnly(p: string): string {
  const q = p.search(/[?#]/);
  return q === -1 ? p : p.slice(0, q);
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl);
}

// Combined log format ends with "referer" "user-agent" after the status and size.
const COMBINED_TAIL = /"[A-Z]+ \S+(?: HTTP\/[\d.]+)?" \d{3} \S+ "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)"/;

function inWindow(time: number, r: SentRequest): boolean {
  const end = r.endMs ?? Number.POSITIVE_INFINITY;
  return time >= r.startMs - WINDOW_SLACK_MS && time <= end + WINDOW_SLACK_MS;
}

function overlapsRead(r: SentRequest, ctx: TieContext): boolean {
  const end = r.endMs ?? ctx.readToMs;
  return end >= ctx.readFromMs - WINDOW_SLACK_MS && r.startMs <= ctx.readToMs;
}

/** Ties every entry of one read; a file whose records carry ids anywhere in the read counts as tagged. */
export function tieEntries(entries: readonly LogEntry[], ctx: TieContext): Tie[] {
  for (const e of entries) {
    if (e.source === 'log' && ctx.ledger.idsIn(firstLine(e.text)).length > 0) ctx.taggedFiles.add(e.file);
  }
  return entries.map((e) => (e.source === 'server-log' ? tieServerRecord(e, ctx) : tieAppRecord(e, ctx)));
}

export function tieAppRecord(entry: LogEntry, ctx: TieContext): Tie {
  const line = firstLine(entry.text);
  const byId = ctx.ledger.idsIn(line);
  if (byId.length > 0) return { tied: true, request: byId[0] };
  // Another run's id (a concurrent cron run, a replayed request): that request is not ours.
  if (FOREIGN_ID.test(line)) return ignore('other-request-id');
  if (ctx.taggedFiles.has(entry.file)) return ignore('no-request-id');
  const target = entry.requestPath;
  if (target === undefined) return ignore('names-no-request');
  const ua = COMBINED_TAIL.exec(line)?.[1];
  if (ua !== undefined && !ua.startsWith('smoke-fix/')) return ignore('visitor-request');
  const samePath = ctx.ledger.all().filter((r) => pathOnly(r.path) === pathOnly(target));
  if (samePath.length === 0) return ignore('path-not-requested');
  // A raw request target (access line) is compared whole: `/users?q=…` is not our `/users`.
  const ours = target === pathOnly(target) ? samePath : samePath.filter((r) => r.path === target);
  if (ours.length === 0) return ignore('visitor-request');
  const time = logLineTime(line);
  const inTime = ours.filter((r) => (time === undefined ? overlapsRead(r, ctx) : inWindow(time, r)));
  if (inTime.length === 0) return ignore('outside-window');
  return { tied: true, request: inTime[inTime.length - 1] };
}

export function tieServerRecord(entry: LogEntry, ctx: TieContext): Tie {
  if (entry.ambiguousPrefix) return ignore('ambiguous-prefix');
  if (entry.severity !== undefined && !ERROR_SEVERITIES.has(entry.severity)) return ignore('not-an-error');
  if (entry.database === undefined || ctx.database === undefined) return ignore('server-log-unattributable');
  if (entry.database !== ctx.database.name) return ignore('other-database');
  if (ctx.database.role !== undefined && entry.user !== ctx.database.role) return ignore('other-role');
  const time = entry.time;
  const during = ctx.ledger.all().filter((r) => (time === undefined ? overlapsRead(r, ctx) : inWindow(time, r)));
  if (during.length === 0) return ignore('outside-window');
  // Credited to a request only when exactly one was in flight: the server log names no path.
  return { tied: true, request: during.length === 1 ? during[0] : undefined };
}
