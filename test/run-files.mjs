// Runs compiled tap test files as plain `node` processes, several at a time, and returns their TAP
// in the shape tap's runner writes to --output-file (each file a subtest, `ok N - file # time=…ms`).
//
// Why not `tap` itself: its runner starts every test file with @tapjs/processinfo's loader, which
// also rides into every process a test spawns (the CLI, through NODE_OPTIONS). Measured on this
// 2-core machine, that loader costs about 0.85 s of CPU per node process — some 100 s of CPU per
// suite run spent on coverage bookkeeping the suite turns off. A tap test file run by node prints
// the same TAP (and the `# { total: … }` counts) on its own.
import { spawn } from 'node:child_process';

/**
 * Stack traces mapped to the TypeScript sources, on request only: with --enable-source-maps node
 * parses the source map of every module it loads (tap's and dist's), 0.06-0.1 s of CPU per test
 * file, some 12 s per suite run. Unmapped, a failure's stack names dist/…/*.js lines, which tsc
 * keeps close to the source; SMOKE_FIX_TEST_SOURCE_MAPS=1 maps them.
 */
const NODE_FLAGS = process.env.SMOKE_FIX_TEST_SOURCE_MAPS === '1' ? ['--enable-source-maps'] : [];

/** After a file's own tap timeout, how long before it is killed from outside. */
const KILL_GRACE_MS = 15_000;
/** After a file's process exits, how long its output may take to arrive. */
const STDIO_GRACE_MS = 5_000;

function indent(text) {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : '    ' + l))
    .join('\n');
}

/** tap's closing counts in a process's output, e.g. `# { total: 12, pass: 10, fail: 1, skip: 1 }`. */
function countsOf(stdout) {
  const counts = { summarised: false, pass: 0, fail: 0, skip: 0 };
  for (const m of stdout.matchAll(/^\s*# \{ total: \d+(?<rest>(?:, \w+: \d+)*) \}/gm)) {
    counts.summarised = true;
    for (const [, key, n] of (m.groups?.rest ?? '').matchAll(/, (\w+): (\d+)/g)) if (key in counts) counts[key] += Number(n);
  }
  return counts;
}

/** The script that runs a batch of small files in one process. */
const BATCH_ENTRY = new URL('./batch-entry.mjs', import.meta.url).pathname;

/**
 * One unit to completion: a file, or a batch of small files run by one process (`file` then names
 * them all); its TAP, its stderr, and whether it passed (exit 0).
 */
function runFile(unit, env, timeoutS) {
  const batch = typeof unit === 'string' ? undefined : unit;
  const file = batch ? batch.label : unit;
  return new Promise((resolve) => {
    const startedAt = Date.now();
    // A batch's one argument is its own name: tap names the folders of `t.testdir` after the
    // process's arguments, and two batches running at once must not share them.
    const child = spawn(process.execPath, [...NODE_FLAGS, ...(batch ? [BATCH_ENTRY, batch.id] : [unit])], {
      env: { ...env, TAP_TIMEOUT: String(timeoutS), ...(batch ? { SMOKE_FIX_TEST_BATCH_FILES: batch.files.join('\n') } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    // tap ends a file that runs over its timeout; a file stuck outside the event loop is killed.
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000 + KILL_GRACE_MS);
    let grace;
    let ended = false;
    const end = (code, signal) => {
      if (ended) return;
      ended = true;
      clearTimeout(killer);
      clearTimeout(grace);
      // Passed: exited 0 AND printed tap's closing counts. Without them the root never completed
      // (or the output was cut short), and tests it did not report must not pass unseen.
      const counts = countsOf(stdout);
      const unfinished = code === 0 && !counts.summarised;
      const ok = code === 0 && !unfinished;
      resolve({ file, files: typeof unit === 'string' ? [unit] : unit.files, stdout, stderr, code, signal, ok, unfinished, counts, ms: Date.now() - startedAt });
    };
    child.on('close', end);
    // A process the file left running may hold its stdout open: then 'close' never comes.
    child.on('exit', (code, signal) => (grace = setTimeout(() => end(code, signal), STDIO_GRACE_MS)));
  });
}

/**
 * Runs `files` (each a file, or `{ label, files }` for a batch run in one process) with at most
 * `jobs` at a time, each ended by tap after `timeoutS` seconds; `onDone` hears of each as it ends.
 * Resolves to the combined TAP text, in the order given.
 */
export async function runFiles(files, { jobs, timeoutS, env, onDone }) {
  const results = new Array(files.length);
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const i = next++;
      results[i] = await runFile(files[i], env, timeoutS);
      onDone?.(results[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
  const out = ['TAP version 14'];
  results.forEach((r, i) => {
    out.push(`# Subtest: ${r.file}`, indent(r.stdout.trimEnd()));
    out.push(`${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${r.file} # time=${r.ms}ms`);
    if (!r.ok) {
      // What a crash left behind: the exit and the end of stderr (the TAP above may be cut short).
      const stderr = r.stderr.slice(-4000).trimEnd();
      const why = r.unfinished ? ["  reason: exited 0 without tap's closing counts (its tests did not all report)"] : [];
      out.push('  ---', ...why, `  exitCode: ${r.code}`, `  signal: ${r.signal}`, ...(stderr ? ['  stderr: |', indent(stderr)] : []), '  ...');
    }
  });
  out.push(`1..${files.length}`, '');
  return { tap: out.join('\n'), results };
}
