#!/usr/bin/env node
// Runs every compiled tap test and ends with the line CI reads: `N passed, N failed`.
// tap's own reporter prints the details; its JSON-ish TAP stream is parsed only for the counts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'smoke-fix-tap-'));
const tapOut = join(dir, 'tap.txt');
// tap skips git-ignored paths when it globs, and dist/ is ignored: name the files ourselves.
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync('dist/test', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.js'))
      .map((f) => join('dist/test', f))
      .sort();
const args = ['tap', '--output-file', tapOut, ...files];
const child = spawn('npx', args, { stdio: 'inherit' });
child.on('exit', (code) => {
  let passed = 0;
  let failed = 0;
  try {
    // Top-level results of every file: "ok N - file" / "not ok N - file" lines are per file;
    // count assertions from the per-file "# { total, pass, fail }" comments instead.
    const text = readFileSync(tapOut, 'utf8');
    for (const m of text.matchAll(/^\s*# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/gm)) {
      passed += Number(m[2]);
      failed += Number(m[3] ?? 0);
    }
  } catch {
    // no output file: tap did not run
  }
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
