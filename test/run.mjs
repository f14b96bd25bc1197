#!/usr/bin/env node
// Runs every compiled tap test and ends with the line CI reads: `N passed, N failed`.
// Files run as plain node processes, several at a time (test/run-files.mjs says why not tap's
// runner); the combined TAP is parsed here, and every failure is printed with its diagnostics.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFiles } from './run-files.mjs';

const named =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync('dist/test', { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.js'))
        .map((f) => join('dist/test', f))
        .sort();
// The slowest files of the last run start first, so that no long file starts last and runs alone.
// A first run here (a fresh clone, CI) orders them by test/file-times.json, the times of a run
// on the development machine; refresh it from .tap/test-times.json when files come and go.
const TIMES_FILE = join('.tap', 'test-times.json');
const SMALL_MS = 1500;
const BATCH_SIZE = 10;
const SEED_TIMES_FILE = join('test', 'file-times.json');
let lastTimes = {};
for (const file of [TIMES_FILE, SEED_TIMES_FILE]) {
  try {
    lastTimes = JSON.parse(readFileSync(file, 'utf8'));
    break;
  } catch {
    // not there: the next one, or alphabetical
  }
}
// A file with no time (added since the times were taken) starts first: it may be a slow one, and a
// slow file started last runs alone at the end; a quick one started early costs nothing.
const lastTime = (file) => lastTimes[file] ?? Number.MAX_SAFE_INTEGER;
const units = batched(named).sort((a, b) => unitTime(b) - unitTime(a));

/**
 * The whole suite's quick files (under SMALL_MS last time) that keep to themselves at module level
 * run BATCH_SIZE to a process (test/batch-entry.mjs): loading tap is about 0.22 s of CPU per
 * process, more than such a file takes to run. Files named on the command line run one each, and
 * SMOKE_FIX_TEST_BATCH=0 turns batching off.
 */
function batched(all) {
  if (process.argv.length > 2 || process.env.SMOKE_FIX_TEST_BATCH === '0') return all;
  const small = all.filter((f) => lastTime(f) < SMALL_MS && keepsToItself(f));
  const batchedFiles = new Set(small);
  const alone = all.filter((f) => !batchedFiles.has(f));
  const batches = [];
  for (let i = 0; i < small.length; i += BATCH_SIZE) {
    const files = small.slice(i, i + BATCH_SIZE);
    batches.push({ id: `batch-${batches.length + 1}`, label: `batch of ${files.length}: ${files.map((f) => f.replace(/^dist\/test\//, '')).join(' ')}`, files });
  }
  return [...alone, ...batches];
}
/**
 * Whether a compiled test file only declares tests at module level: no root hooks or teardown
 * (they would reach the next file's tests), no top-level await, no process-wide state.
 */
function keepsToItself(file) {
  const code = readFileSync(file, 'utf8');
  return !/^(?:t\.(?:before|after|beforeEach|afterEach|teardown|plan|end|setTimeout|jobs)\b|await |(?:const|let|var) [^\n]*= await |process\.)|process\.(?:env(?:\.\w+|\[[^\]]+\]) *=[^=]|chdir|on\(|exitCode)|delete process\.env|\bt\.(?:chdir|intercept|capture|captureFn|mock\w*)\(|globalThis\.\w+ *=[^=]|setGlobalDispatcher/m.test(code);
}
function unitTime(unit) {
  return typeof unit === 'string' ? lastTime(unit) : unit.files.reduce((sum, f) => sum + lastTime(f), 0);
}
// Most files wait, not compute: on PostgreSQL, HTTP servers, Python and the CLI they spawn. So more
// files than cores run at once; SMOKE_FIX_TEST_JOBS overrides.
const jobs = Number(process.env.SMOKE_FIX_TEST_JOBS) || Math.max(4, cpus().length * 3);
// package.json's tap.timeout, per file (`npx tap` reads it too): it catches a hung file, and is set
// for a file's wall time with several files sharing the cores.
const timeoutS = JSON.parse(readFileSync('package.json', 'utf8')).tap.timeout;
const startedAt = Date.now();

// One PostgreSQL for the whole run: each test file still gets databases of its own
// (test/helpers/database.ts), but starting a server per file cost about 90 s of a suite run.
// A server named by SMOKE_FIX_TEST_DATABASE_URL is used as it is. The servers tests start of their
// own (to stop one, or with settings) are copies of one cluster made here: initdb once, not each.
const clusterDir = mkdtempSync(join(tmpdir(), 'smoke-fix-cluster-'));
chmodSync(clusterDir, 0o755); // initdb runs as the postgres OS user and must get in
const cluster = join(clusterDir, 'data');
process.on('exit', () => rmSync(clusterDir, { recursive: true, force: true }));
const { initialiseCluster, startEmbeddedPostgres } = await import('../dist/src/embedded/postgres.js');
await initialiseCluster(cluster);
let server;
if (!process.env.SMOKE_FIX_TEST_DATABASE_URL) {
  server = await startEmbeddedPostgres({ settings: { max_connections: '300' }, copyOf: cluster });
  await storePasswordAsMd5(server.url);
}

/**
 * The superuser's password (the same one) stored as an MD5 hash instead of a SCRAM verifier.
 * pg_hba asks for the password itself; checking it against a SCRAM verifier runs 4096 rounds of
 * PBKDF2 in every new backend, checking it against MD5 one hash: 4.7 -> 3.0 ms of PostgreSQL CPU
 * per connection, and the suite opens thousands (pools, Django, each test helper's query).
 * Roles that tests create keep the default (SCRAM).
 */
async function storePasswordAsMd5(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET md5_password_warnings = off`).catch(() => {}); // PostgreSQL 18's deprecation notice
    await client.query(`SET password_encryption = 'md5'`);
    const password = decodeURIComponent(new URL(url).password);
    await client.query(`ALTER ROLE postgres PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
}
const env = {
  ...process.env,
  SMOKE_FIX_TEST_DATABASE_URL: process.env.SMOKE_FIX_TEST_DATABASE_URL ?? server.url,
  SMOKE_FIX_TEST_CLUSTER: cluster,
};

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

let done = 0;
const { tap: text, results } = await runFiles(units, {
  jobs,
  timeoutS,
  env,
  // Each unit's passes are printed too: a unit that passes fewer assertions than usual (and fails
  // none) shows where the suite's count went.
  onDone: (r) =>
    console.log(`${r.ok ? 'ok    ' : 'not ok'} ${String(++done).padStart(3)}/${units.length} ${(r.ms / 1000).toFixed(1).padStart(5)} s ${String(r.counts.pass).padStart(4)} passed  ${r.file}`),
});
await server?.stop();

let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  const { pass, fail: fileFailed, skip } = r.counts;
  passed += pass;
  skipped += skip;
  // A file that crashed, timed out, or exited 0 without tap's closing counts (run-files.mjs) without
  // a failing point still failed.
  failed += !r.ok && fileFailed === 0 ? 1 : fileFailed;
}
if (failed > 0) {
  const found = failures(text);
  console.log(`\nFailures (${found.length} TAP points, innermost last):\n`);
  for (const f of found) console.log(f + '\n');
  if (process.env.SMOKE_FIX_TEST_SOURCE_MAPS !== '1') console.log('(stack lines name dist/…/*.js: SMOKE_FIX_TEST_SOURCE_MAPS=1 maps them to the .ts sources)\n');
}
// Figures a test measured (`t.comment('figures: …')`, e.g. the fuzzing counts) are shown too.
for (const m of text.matchAll(/^\s*# (figures: .*)$/gm)) console.log(m[1]);
// The slowest files: where to look first when the suite gets slow.
const byTime = [...results].sort((a, b) => b.ms - a.ms);
if (byTime.length > 5) {
  console.log('slowest test files: ' + byTime.slice(0, 8).map((r) => `${r.file.replace(/^dist\/test\//, '')} ${(r.ms / 1000).toFixed(1)} s`).join(', '));
}
mkdirSync('.tap', { recursive: true });
// A batch's files share its time (what decides whether they are batched again next run).
writeFileSync(TIMES_FILE, JSON.stringify({ ...lastTimes, ...Object.fromEntries(results.flatMap((r) => r.files.map((f) => [f, Math.round(r.ms / r.files.length)]))) }, null, 1));
if (process.env.SMOKE_FIX_TEST_TAP_FILE) writeFileSync(process.env.SMOKE_FIX_TEST_TAP_FILE, text);
console.log(`suite wall time: ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${jobs} files at a time)`);
// Skips are counted so that a suite skipped on some machine (no Django, no locales) is visible.
console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
