import t from 'tap';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJson } from '../../src/report/json.js';
import { renderSummary } from '../../src/report/terminal.js';
import { createStyle } from '../../src/util/style.js';
import { mdCode, mdFence, mdText } from '../../src/report/markdown-text.js';
import type { RunResult } from '../../src/result.js';
import { environmentErrorRun, greenRun, HOSTILE_NAME, moveAction, planRun, stuckRun } from './fixtures.js';

/**
 * What a CommonMark renderer would treat as markup: the text outside fenced blocks and code spans
 * (CommonMark's rules: a fence closes on a line of at least as many backticks; a code span on the
 * next run of exactly as many backticks).
 */
function outsideCode(md: string): string {
  const kept: string[] = [];
  let fence = '';
  for (const line of md.split('\n')) {
    if (fence) {
      if (line.trim().startsWith(fence) && /^`+$/.test(line.trim())) fence = '';
      continue;
    }
    const open = /^(`{3,})/.exec(line);
    if (open) {
      fence = open[1]!;
      continue;
    }
    kept.push(line);
  }
  let text = kept.join('\n');
  let out = '';
  for (;;) {
    const m = /(?<!\\)`+/.exec(text);
    if (!m) return out + text;
    const rest = text.slice(m.index + m[0].length);
    const close = new RegExp(`(?<!\`)${m[0]}(?!\`)`).exec(rest);
    if (!close) return out + text;
    out += text.slice(0, m.index) + 'CODE';
    text = rest.slice(close.index + m[0].length);
  }
}

t.test('green run: each repair with its SQL, evidence and verification', async (t) => {
  const md = renderMarkdown(greenRun);
  t.match(md.split('\n')[0], /^# smoke-fix report: green/);
  for (const table of ['user_profile_about_item', 'user_profile_stream_config', 'user_profile_badge']) {
    t.match(md, `Moved \`test_schema.${table}\` into \`public\``, `${table} has its section`);
    t.ok(
      md.includes('```sql\nALTER TABLE "test_schema"."' + table + '" SET SCHEMA "public";\n```'),
      `${table}: the executed SQL in a sql fence`,
    );
  }
  t.ok(md.includes('```sql\nALTER TABLE "public"."teams_membership" ADD COLUMN "left_at" timestamp with time zone;\n```'));
  t.match(md, '**Verification.** passed: resolves in `public`; rows 3 → 3; indexes 2 → 2; constraints 2 → 2.');
  t.match(md, '**Verification.** passed: resolves in `public`; rows 0 → 0; indexes 1 → 1; constraints 1 → 1.');
  t.match(
    md,
    '**Evidence.** `relation "user_profile_about_item" does not exist`, read in response body of "public profile"; response body of "about"; response body of "settings"; log file /var/log/app/django.log (after "public profile").',
  );
  t.match(md, 'view test\\_schema.stream\\_config\\_summary still reads the moved table', 'repair warnings listed');
  t.match(md, /## The problem\n\nIn round 1, 3 of 4 endpoints did not answer as expected:/);
  t.match(md, '- **Database:** `postgres://app:***@127.0.0.1:5432/app`');
  t.match(md, '- **Counts:** 3 rounds, 4 endpoints, 4 repairs applied, 1 refused, final pass 4/4 passing');
  t.match(md, '### `reports_snapshot`: ambiguous (round 1)');
  t.match(md, 'read in log file /var/log/app/django.log.');
  t.match(md, '## Final pass\n\n4 of 4 endpoints answered their expected status.');
  t.match(md, '| public profile | `GET /@alice/` | **fail** 500 (expected 200) | `relation "user_profile_badge" does not exist` |');
  t.match(md, /Run `smoke-fix scan smoke-fix\.yaml` to see the rest of the drift/);
  t.notMatch(md, /--apply/, 'nothing to apply after a green run');
});

t.test('stuck run: refusals with reasons and the manual work in "what to do next"', async (t) => {
  const md = renderMarkdown(stuckRun);
  t.match(md, /^# smoke-fix report: stuck/);
  t.match(md, '### `billing_invoice`: ambiguous (rounds 1, 2)');
  t.match(md, '**Why nothing was done.** billing\\_invoice exists in test\\_schema and in legacy\\_schema');
  t.match(md, '### `teams_membership.archived_at`: unsafe-column (rounds 1, 2)');
  t.ok(md.includes('**Suggested SQL** (not run; review it and run it by hand):\n\n```sql\nALTER TABLE "public"."teams_membership" ADD COLUMN "archived_at"'));
  t.match(md, '### 1. Failed to move `test_schema.billing_payment` into `public` (round 1)');
  t.match(md, '**Error.** `canceling statement due to lock timeout`.');
  t.match(md, /## What to do next\n\n1\. Handle the refusals by hand: `billing_invoice`, .*, `teams_membership\.archived_at`/);
  t.match(md, 'Run `smoke-fix scan smoke-fix.yaml` to see the rest of the drift');
  t.match(md, '- Endpoint **billing** `GET /billing/` still answers 500 (expected 200).');
  t.match(md, '- cannot read /var/log/app/django.log: permission denied', 'run warnings are in "what is left"');
  t.match(md, 'No confirming pass ran.');
});

t.test('plan run: nothing ran, and the next step is --apply', async (t) => {
  const md = renderMarkdown(planRun);
  t.match(md, /^# smoke-fix report: planned, nothing changed/);
  t.match(md, '- **Mode:** plan (read-only: no change was made)');
  t.match(md, '**SQL it would run** (nothing ran: plan mode):');
  t.notMatch(md, /SQL executed/);
  t.notMatch(md, /Verification/);
  t.match(md, 'run `smoke-fix run smoke-fix.yaml --apply` to make the changes');
  t.match(md, 'Run `smoke-fix scan smoke-fix.yaml`');
});

t.test('the suggested commands quote a config path with spaces for the shell', async (t) => {
  const md = renderMarkdown({ ...planRun, configFile: "/etc/smoke fix/it's.yaml" });
  t.match(md, "`smoke-fix run '/etc/smoke fix/it'\\''s.yaml' --apply`");
});

t.test('environment error: says the run did not finish, never "nothing left"', async (t) => {
  const md = renderMarkdown(environmentErrorRun);
  t.match(md, /^# smoke-fix report: could not run to the end/);
  t.match(md, '**environment-error** (exit 3, DB\\_UNREACHABLE)');
  t.match(md, '## Repairs\n\nNone: no round ran.');
  t.match(md, '- The run did not finish (database 127.0.0.1:5432 unreachable after 3 attempts)');
  t.notMatch(md, /every endpoint passes/);
  t.match(md, '1. Fix the environment problem');
});

t.test('hostile text from the target cannot inject markdown or HTML', async (t) => {
  const md = renderMarkdown(stuckRun);
  t.ok(md.includes('x # Owned <script>'), 'the hostile name is shown (inside code), line break flattened');
  const markup = outsideCode(md);
  t.notMatch(markup, /^# Owned/m, 'no heading injected');
  t.notMatch(markup, /(?<!\\)<(?!br>)/, 'no raw "<" outside code: no HTML');
  t.notMatch(markup, /(?<!\\)\[/, 'no link can open');
  t.notMatch(markup, /(?<!\\)\*\*bold/, 'no emphasis from the body');
  t.match(markup, 'search \\<b\\>', 'an endpoint name with HTML is escaped');
  const headings = md.split('\n').filter((l) => l.startsWith('#'));
  t.ok(headings.every((h) => /^#{1,3} (smoke-fix report|Summary|The problem|Repairs|Refused|Endpoint results|Round \d|Final pass|What is left|What to do next|\d+\. |`)/.test(h)), 'only the report\'s own headings');
  // In a table row the hostile `|` must not add a cell.
  const row = md.split('\n').find((l) => l.startsWith('| search'))!;
  t.equal(row.split(/(?<!\\)\|/).length - 2, 4, 'the search row still has 4 cells');
});

t.test('a backtick run in a name cannot close the SQL fence early', async (t) => {
  const action = { ...moveAction('a```b', 1, 1) };
  const result: RunResult = {
    ...greenRun,
    rounds: [{ ...greenRun.rounds[0]!, repairs: [{ ...greenRun.rounds[0]!.repairs[0]!, action }] }],
  };
  const md = renderMarkdown(result);
  t.ok(md.includes('````sql\nALTER TABLE "test_schema"."a```b" SET SCHEMA "public";\n````'));
  t.notMatch(outsideCode(md), /SET SCHEMA/, 'the whole statement stays inside the fence');
});

t.test('escaping helpers', async (t) => {
  t.equal(mdText('a_b *c* <i> [x](y) | ~z~ #1 `q` \\'), 'a\\_b \\*c\\* \\<i\\> \\[x\\](y) \\| \\~z\\~ \\#1 \\`q\\` \\\\');
  t.equal(mdText('line1\n\n# two'), 'line1 \\# two');
  t.equal(mdCode('plain'), '`plain`');
  t.equal(mdCode('has ` tick'), '``has ` tick``');
  t.equal(mdCode('`edge`'), '`` `edge` ``');
  t.equal(mdCode('a|b'), '`a|b`');
  t.equal(mdCode('a|b', { inTable: true }), '`a\\|b`');
  t.equal(mdFence('SELECT 1;', 'sql'), '```sql\nSELECT 1;\n```');
  t.equal(mdFence('x ```` y', 'sql'), '`````sql\nx ```` y\n`````');
  t.equal(HOSTILE_NAME.includes('\n'), true, 'the fixture really carries a line break');
});

t.test('one counting rule for refusals: the terminal, report.md and report.json agree when a reason changes', async (t) => {
  // Round 2 refuses billing_invoice for another reason than round 1: two refusals to act on, everywhere.
  const [round1, round2] = stuckRun.rounds;
  const changed = round2!.refusals.map((r, i) => (i === 0 ? { ...r, reason: 'not-found' as const, detail: 'billing_invoice is gone.' } : r));
  const run: RunResult = { ...stuckRun, rounds: [round1!, { ...round2!, refusals: changed }] };
  const md = renderMarkdown(run);
  t.match(md, '### `billing_invoice`: ambiguous (round 1)');
  t.match(md, '### `billing_invoice`: not-found (round 2)');
  t.equal(md.match(/^### `.*`: [a-z-]+ \(rounds? /gm)?.length, 4, 'four refusal sections');
  t.match(md, ', 4 refused,', 'report.md counts four');
  t.match(renderSummary(run, undefined, createStyle(false)), / refused: 4 /, 'the terminal counts four');
  t.equal(JSON.parse(renderJson(run)).counts.refused, 4, 'report.json counts four');
});
