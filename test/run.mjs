#!/usr/bin/env node
// Runs every compiled tap test and ends with the line CI reads: `N passed, N failed`.
// tap's reporter shows progress; under CI its (ink) reporter prints nothing at all, so the raw
// TAP stream is also captured, and every failure is printed from it with its diagnostics.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'smoke-fix-tap-'));
const tapOut = join(dir, 'tap.txt');
// tap skips git-ignored paths when it globs, and dist/ is ignored: name the files ourselves.
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync('dist/test', { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.js'))
        .map((f) => join('dist/test', f))
        .sort();
const args = ['tap', '--output-file', tapOut, ...files];
const startedAt = Date.now();

// One PostgreSQL for the whole run: each test file still gets databases of its own
// (test/helpers/database.ts), but starting a server per file cost about 90 s of a suite run.
// A server named by SMOKE_FIX_TEST_DATABASE_URL is used as it is.
let server;
if (!process.env.SMOKE_FIX_TEST_DATABASE_URL) {
  const { startEmbeddedPostgres } = await import('../dist/src/embedded/postgres.js');
  server = await startEmbeddedPostgres({ settings: { max_connections: '300' } });
}
const env = { ...process.env, SMOKE_FIX_TEST_DATABASE_URL: process.env.SMOKE_FIX_TEST_DATABASE_URL ?? server.url };
const child = spawn('npx', args, { stdio: 'inherit', env });

/** Each `not ok` line with the indented YAML block that follows it, as TAP nests them. */
function failures(text) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    if (!m || /# (TODO|SKIP)/.test(lines[i])) continue;
    const indent = m[1].length;
    const block = [lines[i].trim()];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      const lead = l.length - l.trimStart().length;
      if (l.trim() !== '' && lead <= indent) break;
      block.push(l.slice(indent));
      if (l.trim() === '...') break;
    }
    out.push(block.join('\n'));
  }
  return out;
}

child.on('exit', async (code) => {
  await server?.stop();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let text = '';
  try {
    text = readFileSync(tapOut, 'utf8');
    // tap's closing summary comment, e.g. `# { total: 12, pass: 10, fail: 1, skip: 1 }`.
    for (const m of text.matchAll(/^\s*# \{ total: \d+(?<rest>(?:, \w+: \d+)*) \}/gm)) {
      for (const [, key, n] of (m.groups?.rest ?? '').matchAll(/, (\w+): (\d+)/g)) {
        if (key === 'pass') passed += Number(n);
        else if (key === 'fail') failed += Number(n);
        else if (key === 'skip') skipped += Number(n);
      }
    }
  } catch {
    // no output file: tap did not run
  }
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && failed === 0) failed = 1;
  if (failed > 0) {
    const found = failures(text);
    console.log(`\nFailures (${found.length} TAP points, innermost last):\n`);
    for (const f of found) console.log(f + '\n');
  }
  // Figures a test measured (`t.comment('figures: …')`, e.g. the fuzzing counts) are shown too.
  for (const m of text.matchAll(/^\s*# (figures: .*)$/gm)) console.log(m[1]);
  // The slowest files, from the top-level TAP lines (`ok 12 - dist/test/x.test.js # time=…ms`):
  // where to look first when the suite gets slow.
  const fileTimes = [...text.matchAll(/^(?:not )?ok \d+ - (\S+\.test\.js) # time=([\d.]+)ms/gm)]
    .map((m) => [m[1], Number(m[2])])
    .sort((a, b) => b[1] - a[1]);
  if (fileTimes.length > 5) {
    console.log('slowest test files: ' + fileTimes.slice(0, 8).map(([f, ms]) => `${f.replace(/^dist\/test\//, '')} ${(ms / 1000).toFixed(1)} s`).join(', '));
  }
  console.log(`suite wall time: ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  // Skips are counted so that a suite skipped on some machine (no Django, no locales) is visible.
  // The leading newline puts the closing line on a line of its own even after the runner's last
  // terminal escape (tap ends with ESC[?25h and no newline).
  console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(code ?? 1);
});
