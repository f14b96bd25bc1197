/** What a person (or cron mail, or a CI log) sees: colour rules, live line vs plain lines, quiet. */
import t from 'tap';
import type { RunEvent } from '../../src/cascade/events.js';
import { createProgressRenderer, type Verbosity } from '../../src/cli/render.js';
import { colorWanted, createStyle } from '../../src/util/style.js';
import type { ProbeResult } from '../../src/probe/types.js';

const probe = (ok: boolean): ProbeResult => ({
  endpoint: 'public profile', method: 'GET', path: '/@alice/', status: ok ? 200 : 500, expected: [200], ok,
  reason: ok ? undefined : '500', startedAt: new Date(0).toISOString(), durationMs: 3, attempts: [], body: '', bodyTruncated: false,
});

function render(events: RunEvent[], options: { live: boolean; color: boolean; verbosity?: Verbosity }): string {
  let out = '';
  const emit = createProgressRenderer({ write: (s) => (out += s), live: options.live, style: createStyle(options.color), verbosity: options.verbosity ?? 'normal' });
  for (const e of events) emit(e);
  return out;
}

const story: RunEvent[] = [
  { type: 'round-start', round: 1, endpoints: 2, confirm: false },
  { type: 'probe', round: 1, result: probe(true), done: 1, total: 2 },
  { type: 'probe', round: 1, result: probe(false), done: 2, total: 2 },
  { type: 'findings', round: 1, findings: [{ finding: { kind: 'missing-relation', name: 'x', message: 'relation "x" does not exist', language: 'en' }, source: { type: 'body', endpoint: 'public profile' } }] },
  { type: 'warning', message: 'cannot read the server log' },
];

t.test('colour follows NO_COLOR, CI and the TTY', async (t) => {
  t.equal(colorWanted({ isTTY: true }, {}), true);
  t.equal(colorWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
  t.equal(colorWanted({ isTTY: true }, { CI: 'true' }), false);
  t.equal(colorWanted({ isTTY: false }, {}), false);
});

t.test('plain lines (cron, CI): no escape codes, one line per event that matters', async (t) => {
  const out = render(story, { live: false, color: false });
  t.notMatch(out, /\u001b/, 'no ANSI escapes at all');
  t.same(out.trimEnd().split('\n'), [
    'round 1: probing 2 endpoint(s)',
    '  ✗ public profile  GET /@alice/  500',
    '    relation "x" does not exist',
    'warning: cannot read the server log',
  ]);
});

t.test('on a TTY a status line is rewritten in place and cleared before a real line', async (t) => {
  const out = render(story, { live: true, color: true });
  t.match(out, '\r\u001b[K', 'rewrites the status line');
  t.match(out, 'round 1 · 2/2 endpoints · 0 repair(s)');
  t.match(out, '\u001b[31m✗\u001b[39m', 'failures in red');
});

t.test('--quiet keeps warnings only; --verbose adds passing endpoints', async (t) => {
  t.equal(render(story, { live: false, color: false, verbosity: 'quiet' }), 'warning: cannot read the server log\n');
  t.match(render(story, { live: false, color: false, verbosity: 'verbose' }), '✓ public profile  GET /@alice/  200');
});

t.test('each database error is printed under the endpoint it was read for, unattributed ones after', async (t) => {
  const failing = (endpoint: string, path: string): ProbeResult => ({ ...probe(false), endpoint, path });
  const finding = (name: string) => ({ kind: 'missing-relation' as const, name, message: `relation "${name}" does not exist`, language: 'en' });
  const out = render(
    [
      { type: 'round-start', round: 1, endpoints: 2, confirm: false },
      { type: 'probe', round: 1, result: failing('a', '/a/'), done: 1, total: 2 },
      { type: 'probe', round: 1, result: failing('b', '/b/'), done: 2, total: 2 },
      {
        type: 'findings',
        round: 1,
        findings: [
          { finding: finding('tb'), source: { type: 'body', endpoint: 'b' } },
          { finding: finding('shared'), source: { type: 'body', endpoint: 'a' } },
          { finding: finding('shared'), source: { type: 'body', endpoint: 'b' } },
          { finding: finding('ta'), source: { type: 'log', file: '/var/log/app.log', endpoint: 'a' } },
          { finding: finding('pg'), source: { type: 'server-log' } },
        ],
      },
    ],
    { live: false, color: false },
  );
  t.same(out.trimEnd().split('\n'), [
    'round 1: probing 2 endpoint(s)',
    '  ✗ a  GET /a/  500',
    '    relation "shared" does not exist',
    '    relation "ta" does not exist (in log file /var/log/app.log)',
    '  ✗ b  GET /b/  500',
    '    relation "tb" does not exist',
    '    relation "shared" does not exist',
    '    relation "pg" does not exist (in PostgreSQL server log)',
  ]);
});

