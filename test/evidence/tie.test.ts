/** The evidence rules on single records (pure): what ties a log record to smoke-fix's request. */
import t from 'tap';
import { tieEntries, type TieContext } from '../../src/evidence/tie.js';
import { requestPathOf } from '../../src/logs/app-log-records.js';
import type { LogEntry } from '../../src/logs/types.js';
import { RequestLedger } from '../../src/probe/request-ledger.js';

const NOW = Date.parse('2026-11-30T05:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', 'Z');

function context(): TieContext & { ledger: RequestLedger } {
  let clock = NOW;
  const ledger = new RequestLedger('abc123', () => clock);
  const r = ledger.begin('GET', '/users', { kind: 'endpoint', endpoint: 'users' });
  clock += 50;
  ledger.end(r);
  return { ledger, readFromMs: NOW - 10, readToMs: NOW + 100, taggedFiles: new Set() };
}

const entry = (text: string): LogEntry => ({ source: 'log', file: 'app.log', text, requestPath: requestPathOf(text.split('\n')[0]!) });

t.test('what ties an application log record', async (t) => {
  const cases: Array<[string, string]> = [
    [`${iso(NOW + 20)} ERROR django.request: Internal Server Error: /users`, 'tied'],
    [`${iso(NOW - 3_600_000)} ERROR django.request: Internal Server Error: /users`, 'outside-window'],
    [`${iso(NOW + 20)} INFO shop.search: visitor searched for Internal Server Error: /users`, 'names-no-request'],
    [`${iso(NOW + 20)} INFO shop.search: "GET /users HTTP/1.1" relation "x" does not exist`, 'names-no-request'],
    [`${iso(NOW + 20)} ERROR django.request: Internal Server Error: /other/`, 'path-not-requested'],
    [`1.2.3.4 - - [30/Nov/2026:05:00:00 +0000] "GET /users?q=1 HTTP/1.1" 500 1`, 'visitor-request'],
    [`1.2.3.4 - - [30/Nov/2026:05:00:00 +0000] "GET /users HTTP/1.1" 500 1 "-" "curl/8"`, 'visitor-request'],
    [`1.2.3.4 - - [30/Nov/2026:05:00:00 +0000] "GET /users HTTP/1.1" 500 1 "-" "smoke-fix/1.0.0"`, 'tied'],
    [`${iso(NOW + 20)} ERROR django.request: Internal Server Error: /users [request_id=sf-ffff00-1]`, 'other-request-id'],
    [`${iso(NOW + 20)} ERROR django.request: Internal Server Error: /nope [request_id=sf-abc123-1]`, 'tied'],
    ['Internal Server Error: /users', 'tied'], // no timestamp: the read window
  ];
  for (const [line, expected] of cases) {
    const [tie] = tieEntries([entry(line)], context());
    t.equal(tie!.tied ? 'tied' : tie!.reason, expected, line);
  }
});

t.test('a log that records request ids: a record without one of ours is not ours, even for our path and time', async (t) => {
  const ctx = context();
  const ours = entry(`${iso(NOW + 20)} ERROR django.request: Internal Server Error: /users [request_id=sf-abc123-1]`);
  const visitor = entry(`${iso(NOW + 20)} ERROR django.request: Internal Server Error: /users [request_id=-]`);
  const ties = tieEntries([visitor, ours], ctx);
  t.same(ties.map((x) => (x.tied ? x.request?.id : x.reason)), ['no-request-id', 'sf-abc123-1']);
  const later = tieEntries([visitor], ctx);
  t.same(later.map((x) => (x.tied ? 'tied' : x.reason)), ['no-request-id'], 'remembered for later reads');
});

t.test('what ties a server-log record', async (t) => {
  const ctx = { ...context(), database: { name: 'app', role: 'web' } };
  const rec = (over: Partial<LogEntry>): LogEntry => ({ source: 'server-log', file: 'pg.json', text: 'ERROR:  relation "x" does not exist', ...over });
  const ties = tieEntries(
    [
      rec({ database: 'app', user: 'web', time: NOW + 10 }),
      rec({ database: 'other', user: 'web', time: NOW + 10 }),
      rec({ database: 'app', user: 'intruder', time: NOW + 10 }),
      rec({ database: 'app', user: 'web', time: NOW + 60_000 }),
      rec({ user: 'web', time: NOW + 10 }),
    ],
    ctx,
  );
  t.same(ties.map((x) => (x.tied ? `tied ${x.request?.id}` : x.reason)), ['tied sf-abc123-1', 'other-database', 'other-role', 'outside-window', 'server-log-unattributable']);
});
