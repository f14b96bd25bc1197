/**
 * smoke-fix at size, as whole processes (`node dist/src/cli/main.js run cfg --plan`), against
 * autocannon (the raw limit of HTTP from Node here) and Newman on the same server:
 *
 *   - 1,000 / 10,000 / 100,000 green endpoints in plan mode: endpoints/s, peak RSS;
 *   - 10,000 passing pages of 1 MiB each: peak RSS (nothing of a passing page may be kept);
 *   - one failing body naming 20,000 distinct relations: time beyond process start;
 *   - autocannon on the same 10,000 URLs and Newman on the same 1,000, for the ratios.
 *
 * autocannon and Newman are installed into a cache folder on first use (`npm install --prefix`),
 * never as dependencies of the project. Peak RSS is VmHWM of /proc/<pid>/status, sampled until
 * the process exits (the high-water mark only grows, so the last sample is the peak so far).
 *
 *   node dist/test/bench/scale.bench.js [--quick]      # --quick: 10,000 as the largest size
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { createTeardowns, printTable, verdict, type Target } from './measure.js';

const CLI = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const QUICK = process.argv.includes('--quick');
const TOOLS = join(homedir(), '.cache', 'smoke-fix-bench-tools');
const CONCURRENCY = 8;

interface ProcessRun {
  readonly ms: number;
  readonly peakRss: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function vmHwm(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a whole process; wall time from spawn to exit, peak RSS from /proc. */
function runProcess(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout.length < 1 << 20 && (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => void (stderr.length < 1 << 20 && (stderr += d.toString())));
    let peakRss = 0;
    const sample = () => {
      if (child.pid !== undefined) peakRss = Math.max(peakRss, vmHwm(child.pid) ?? 0);
    };
    const timer = setInterval(sample, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, peakRss, code, stdout, stderr });
    });
  });
}

function ensureTools(): void {
  const have = existsSync(join(TOOLS, 'node_modules', 'autocannon')) && existsSync(join(TOOLS, 'node_modules', 'newman'));
  if (have) return;
  console.log(`installing autocannon and newman into ${TOOLS} (once) …`);
  execFileSync('npm', ['install', '--prefix', TOOLS, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', 'autocannon@8', 'newman@6'], { stdio: 'inherit' });
}

async function startServer(): Promise<{ port: number; close(): void }> {
  const child = fork(join(process.cwd(), 'dist', 'test', 'bench', 'scale-server.js'), [String(1 << 20), '20000'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('error', reject);
  });
  return { port, close: () => child.disconnect() };
}

async function writeConfig(dir: string, name: string, options: { baseUrl: string; databaseUrl: string; paths: readonly string[] }): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const lines = [
    `baseUrl: ${options.baseUrl}`,
    'database:',
    `  url: ${options.databaseUrl}`,
    'http:',
    `  concurrency: ${CONCURRENCY}`,
    'endpoints:',
    ...options.paths.map((p) => `  - ${p}`),
  ];
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

async function smokeFix(config: string, reportDir: string, expectCode: number): Promise<ProcessRun> {
  const run = await runProcess(process.execPath, [CLI, 'run', config, '--plan', '--quiet', '--report-dir', reportDir, '--log-file', join(reportDir, 'log.jsonl')], {
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  if (run.code !== expectCode) throw new Error(`smoke-fix exited ${run.code} (expected ${expectCode}) for ${config}:\n${run.stderr.slice(-2000)}`);
  return run;
}

/** autocannon as a whole process, one request to each of the same URLs smoke-fix probes. */
async function autocannon(port: number, count: number): Promise<ProcessRun> {
  const script = `
    const autocannon = require('autocannon');
    let i = 0;
    const instance = autocannon({
      url: 'http://127.0.0.1:${port}', connections: ${CONCURRENCY}, amount: ${count},
      requests: [{ setupRequest: (req) => ({ ...req, path: '/p/' + (i++) }) }],
    }, (err, result) => {
      if (err) { console.error(err); process.exit(2); }
      if (result.non2xx > 0 || result.errors > 0) { console.error('errors', result.errors, result.non2xx); process.exit(3); }
      console.log(JSON.stringify({ requests: result.requests.total }));
    });`;
  const run = await runProcess(process.execPath, ['-e', script], { cwd: TOOLS, env: { ...process.env, NODE_PATH: join(TOOLS, 'node_modules') } });
  if (run.code !== 0) throw new Error(`autocannon failed: ${run.stderr}`);
  return run;
}

async function newman(dir: string, port: number, count: number): Promise<ProcessRun> {
  const collection = {
    info: { name: 'bench', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: Array.from({ length: count }, (_, i) => ({
      name: `p${i}`,
      request: { method: 'GET', url: `http://127.0.0.1:${port}/p/${i}` },
      event: [{ listen: 'test', script: { exec: ['pm.test("200", () => pm.response.to.have.status(200));'] } }],
    })),
  };
  const file = join(dir, 'collection.json');
  await writeFile(file, JSON.stringify(collection));
  const run = await runProcess(process.execPath, [join(TOOLS, 'node_modules', 'newman', 'bin', 'newman.js'), 'run', file, '--silent']);
  if (run.code !== 0) throw new Error(`newman failed: ${run.stderr.slice(-1000)}`);
  return run;
}

const rate = (count: number, ms: number) => (count / ms) * 1000;
const RATIO_RUNS = 3;
/** The run of median time (its own peak RSS with it). */
const medianRun = (runs: readonly ProcessRun[]): ProcessRun => [...runs].sort((a, b) => a.ms - b.ms)[runs.length >> 1]!;
const mb = (bytes: number) => bytes / 1e6;

async function main(): Promise<number> {
  ensureTools();
  const teardowns = createTeardowns();
  stopSharedServerAtEnd(teardowns);
  try {
    const db = await createTestDatabase(teardowns);
    const server = await startServer();
    teardowns.teardown(() => server.close());
    const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-scale-'));
    teardowns.teardown(() => rm(dir, { recursive: true, force: true }));
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const reportDir = (name: string) => join(dir, 'reports', name);
    await mkdir(join(dir, 'reports'), { recursive: true });

    // Process start alone: what "beyond process start" subtracts.
    const bare = await runProcess(process.execPath, [CLI, '--version']);

    // The server answers its first thousands of requests slower (its JIT warms up): one untimed
    // pass over the URLs first, so that neither client is measured against a colder server.
    await autocannon(server.port, 10_000);

    const sizes = QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000];
    const green = new Map<number, ProcessRun>();
    const configs = new Map<number, string>();
    for (const n of sizes) {
      const cfg = await writeConfig(dir, `green-${n}`, { baseUrl, databaseUrl: db.url, paths: Array.from({ length: n }, (_, i) => `/p/${i}`) });
      configs.set(n, cfg);
      if (n !== 10_000) green.set(n, await smokeFix(cfg, reportDir(`green-${n}`), 0));
    }
    // The ratio: smoke-fix and autocannon in turns, three runs each, the median run of each; the
    // machine's speed drifts between runs, and alternating spreads the drift over both.
    const ours: ProcessRun[] = [];
    const theirs: ProcessRun[] = [];
    for (let i = 0; i < RATIO_RUNS; i++) {
      ours.push(await smokeFix(configs.get(10_000)!, reportDir(`green-10000-${i}`), 0));
      theirs.push(await autocannon(server.port, 10_000));
    }
    green.set(10_000, { ...medianRun(ours), peakRss: Math.max(...ours.map((r) => r.peakRss)) });
    const ac10k = medianRun(theirs);
    const bigCfg = await writeConfig(dir, 'big-10000', { baseUrl, databaseUrl: db.url, paths: Array.from({ length: 10_000 }, (_, i) => `/big/${i}`) });
    const big = await smokeFix(bigCfg, reportDir('big-10000'), 0);
    const namesCfg = await writeConfig(dir, 'names', { baseUrl, databaseUrl: db.url, paths: ['/names'] });
    // Plan mode with a failing endpoint: exit 1, every name looked up and reported as not found.
    const names = await smokeFix(namesCfg, reportDir('names'), 1);
    const reportJson = readdirSync(reportDir('names'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('report.json'));
    if (!reportJson) throw new Error('the 20,000-name run wrote no report.json');
    const namesJson = JSON.parse(readFileSync(join(reportDir('names'), reportJson), 'utf8')) as {
      rounds: Array<{ refusals: unknown[] }>;
    };
    const refused = namesJson.rounds[0]?.refusals.length ?? 0;
    if (refused !== 20_000) throw new Error(`the 20,000-name body gave ${refused} refusals, expected 20,000`);

    const nm1k = await newman(dir, server.port, 1_000);

    const g1k = green.get(1_000)!;
    const g10k = green.get(10_000)!;
    const g100k = green.get(100_000);
    const rows = [
      ...sizes.map((n) => {
        const r = green.get(n)!;
        const label = n === 10_000 ? ` (median of ${RATIO_RUNS}; RSS: highest)` : '';
        return { run: `smoke-fix plan, ${n} green endpoints${label}`, ms: r.ms, 'per s': rate(n, r.ms), 'peak RSS MB': mb(r.peakRss) };
      }),
      { run: 'smoke-fix plan, 10000 passing 1 MiB pages', ms: big.ms, 'per s': rate(10_000, big.ms), 'peak RSS MB': mb(big.peakRss) },
      { run: 'smoke-fix plan, 1 body naming 20000 relations', ms: names.ms, 'per s': '', 'peak RSS MB': mb(names.peakRss) },
      { run: 'smoke-fix --version (process start)', ms: bare.ms, 'per s': '', 'peak RSS MB': mb(bare.peakRss) },
      { run: `autocannon, same 10000 URLs (median of ${RATIO_RUNS})`, ms: ac10k.ms, 'per s': rate(10_000, ac10k.ms), 'peak RSS MB': mb(ac10k.peakRss) },
      { run: 'newman, same 1000 URLs', ms: nm1k.ms, 'per s': rate(1_000, nm1k.ms), 'peak RSS MB': mb(nm1k.peakRss) },
    ];
    printTable(rows);
    console.log('');
    console.log(`ratio smoke-fix / autocannon at 10,000: ${(ac10k.ms / g10k.ms).toFixed(2)}×`);
    console.log(`ratio smoke-fix / newman at 1,000:      ${(nm1k.ms / g1k.ms).toFixed(2)}×`);
    if (g100k) console.log(`time at 100,000 ÷ time at 10,000:        ${(g100k.ms / g10k.ms).toFixed(2)}`);

    const targets: Target[] = [
      { name: '10,000 endpoints, rate vs autocannon (whole processes)', measured: ac10k.ms / g10k.ms, unit: '×', want: 'at-least', limit: 0.6 },
      { name: 'peak RSS, 10,000 small pages', measured: mb(g10k.peakRss), unit: 'MB', want: 'at-most', limit: 200 },
      { name: 'peak RSS, 10,000 pages of 1 MiB', measured: mb(big.peakRss), unit: 'MB', want: 'at-most', limit: 200 },
      { name: '20,000 names in one body, beyond process start', measured: names.ms - bare.ms, unit: 'ms', want: 'at-most', limit: 2_000 },
    ];
    if (g100k) targets.push({ name: 'time at 100,000 ÷ time at 10,000', measured: g100k.ms / g10k.ms, unit: '', want: 'at-most', limit: 12 });
    return verdict(targets);
  } finally {
    await teardowns.runAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
