import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import t from 'tap';
import { renderJson, reportDocument } from '../../src/report/json.js';
import { runFolderName, writeReports } from '../../src/report/write.js';
import { answers, type RunResult } from '../../src/result.js';
import { greenRun, stuckRun } from './fixtures.js';
import { tempDir } from '../helpers/temp.js';

/** Without the fields that carry a finding: the run's `findings`, version 1's `finding`, `findings` and `sources`. */
function withoutFindings(value: unknown): unknown {
  const rounds = (value as { rounds: Array<Record<string, unknown[]>> }).rounds;
  const bare = (item: unknown) => {
    const { finding: _f, findings: _fs, sources: _s, ...rest } = item as Record<string, unknown>;
    return rest;
  };
  return {
    ...(value as object),
    rounds: rounds.map((r) => ({ ...r, repairs: r.repairs!.map((x) => ({ ...bare(x), action: bare((x as { action: unknown }).action) })), refusals: r.refusals!.map(bare) })),
  };
}

t.test('report.json is the RunResult with a schema version and the shared counts', async (t) => {
  const parsed = JSON.parse(renderJson(greenRun));
  t.equal(parsed.$schemaVersion, 1);
  const { $schemaVersion, counts, ...rest } = parsed;
  t.same(withoutFindings(rest), withoutFindings(JSON.parse(JSON.stringify(greenRun))), 'every field of the result, nothing else');
  // Version 1's names for what the run carries as `findings` (their keys and sources).
  const [first] = greenRun.rounds;
  const [repair] = first!.repairs;
  t.same(rest.rounds[0].refusals[0].finding, first!.refusals[0]!.findings[0].finding, 'a refusal names its finding');
  t.same(rest.rounds[0].repairs[0].action.finding, repair!.action.findings[0].finding, 'an action names its finding');
  t.same(rest.rounds[0].repairs[0].sources, repair!.action.findings[0].sources, 'a repair lists where its finding was read');
  t.same(counts, answers(greenRun).counts, 'the counts every output shows (src/result.ts)');
});

t.test('report.json at scale is the same text JSON.stringify writes, though rendered in pieces', async (t) => {
  // 250 probes per round and in the final pass: long lists are rendered a batch at a time.
  const many = <T>(list: readonly T[]) => Array.from({ length: 250 }, (_, i) => list[i % list.length]!);
  const big: RunResult = {
    ...stuckRun,
    rounds: stuckRun.rounds.map((r) => ({ ...r, probes: many(r.probes) })),
    final: many(greenRun.final),
    warnings: [...stuckRun.warnings, ...many(['a warning'])],
  };
  const text = renderJson(big);
  t.equal(text, JSON.stringify(reportDocument(big), null, 2) + '\n');
  t.equal(JSON.parse(text).final.length, 250);
});

t.test('writes every file into a new folder named from the start time and outcome', async (t) => {
  const parent = join(await tempDir(t), 'reports', 'nested');
  const written = await writeReports(greenRun, { dir: parent });
  t.equal(basename(written.dir), '2026-11-23T22-10-05Z-green');
  t.same((await readdir(written.dir)).sort(), ['junit.xml', 'repair.sql', 'report.json', 'report.md', 'rollback.sql']);
  t.match(await readFile(written.files.markdown, 'utf8'), /^# smoke-fix report: green/);
  t.equal(JSON.parse(await readFile(written.files.json, 'utf8')).outcome, 'green');
  t.match(await readFile(written.files.junit, 'utf8'), /<testsuite /);
  t.match(await readFile(written.files.repairSql, 'utf8'), /SET SCHEMA "public";/);
  t.match(await readFile(written.files.rollbackSql, 'utf8'), /SET SCHEMA "test_schema";/);
});

t.test('each call makes a new folder; nothing is overwritten', async (t) => {
  const dir = await tempDir(t);
  const first = await writeReports(greenRun, { dir });
  const before = await readFile(first.files.markdown, 'utf8');
  const second = await writeReports(greenRun, { dir });
  const third = await writeReports(greenRun, { dir });
  t.equal(basename(second.dir), '2026-11-23T22-10-05Z-green-2');
  t.equal(basename(third.dir), '2026-11-23T22-10-05Z-green-3');
  t.equal(await readFile(first.files.markdown, 'utf8'), before, 'the first report is untouched');
  t.equal((await readdir(dir)).length, 3);
});

t.test('secrets that slipped into the result are masked in every file', async (t) => {
  const secret = 'hunter2"<&>';
  const leaky: RunResult = { ...stuckRun, reason: `login said: bad password ${secret}`, warnings: [`token ${secret} refused`] };
  const written = await writeReports(leaky, { dir: await tempDir(t), secrets: [secret] });
  for (const [kind, path] of Object.entries(written.files)) {
    const text = await readFile(path, 'utf8');
    t.notMatch(text, 'hunter2', `${kind}: no trace of the secret, raw or escaped`);
  }
  t.match(await readFile(written.files.markdown, 'utf8'), 'bad password \\*\\*\\*');
});

t.test('an all-digit secret is masked in report.json text and leaves its numbers alone: the file stays JSON', async (t) => {
  const secret = String(greenRun.durationMs);
  const leaky: RunResult = { ...greenRun, warnings: [`pin ${secret} rejected`] };
  const written = await writeReports(leaky, { dir: await tempDir(t), secrets: [secret] });
  const parsed = JSON.parse(await readFile(written.files.json, 'utf8'));
  t.equal(parsed.durationMs, greenRun.durationMs, 'a number equal to the secret is a number, not ***');
  t.same(parsed.warnings, ['pin *** rejected'], 'the secret inside text is masked');
  t.notMatch(await readFile(written.files.markdown, 'utf8'), secret);
});

t.test('folder names are safe and say the outcome', async (t) => {
  t.equal(runFolderName({ startedAt: '2026-01-02T03:04:05.999Z', outcome: 'max-rounds' }), '2026-01-02T03-04-05Z-max-rounds');
  t.equal(runFolderName({ startedAt: 'garbage', outcome: 'stuck' }), 'unknown-time-stuck');
});
