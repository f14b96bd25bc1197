/**
 * The scene of the fault tests: a real database with three drifted tables full of rows, a real
 * HTTP app whose pages read them (real SQL, real error text), and a config that applies repairs.
 * Each page names one table, so round 1 plans three moves, run in endpoint order: alpha, beta,
 * gamma. A test that holds a lock on gamma gets a run that has committed two changes and waits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/types.js';
import { startSqlApp, type AppRoute, type RunningApp } from '../../src/demo/sql-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

type T = { teardown(fn: () => unknown): void };

export const TABLES = ['t_alpha', 't_beta', 't_gamma'] as const;

export const SETUP_SQL = `CREATE SCHEMA test_schema;
${TABLES.map(
  (name) => `CREATE TABLE test_schema.${name} (id serial PRIMARY KEY, label text NOT NULL, at timestamptz DEFAULT now());
INSERT INTO test_schema.${name} (label) SELECT '${name} row ' || g FROM generate_series(1, 500) g;`,
).join('\n')}`;

export const ROUTES: readonly AppRoute[] = TABLES.map((name) => ({ path: `/${name}`, queries: [`SELECT count(*) FROM ${name}`] }));

export interface Scene {
  readonly db: TestDatabase;
  readonly app: RunningApp;
  readonly dir: string;
  readonly reportDir: string;
  readonly configFile: string;
  config(): Promise<ResolvedConfig>;
}

export interface SceneOptions {
  readonly ownServer?: boolean;
  readonly routes?: readonly AppRoute[];
  /** Extra `database:` keys, e.g. `lockTimeoutMs: 200, lockRetries: 2`. */
  readonly database?: string;
  /** The app's URL as smoke-fix sees it (a proxy in front of the app). */
  readonly baseUrl?: (appUrl: string) => string;
  /** Overrides report.dir. */
  readonly reportDir?: string;
}

export async function scene(t: T, options: SceneOptions = {}): Promise<Scene> {
  const db = await createTestDatabase(t, options.ownServer ? { ownServer: true } : {});
  await db.exec(SETUP_SQL);
  const app = await startSqlApp({ databaseUrl: db.url, routes: options.routes ?? ROUTES });
  t.teardown(() => app.close());
  const dir = await tempDir(t, 'smoke-fix-fault-');
  const reportDir = options.reportDir ?? join(dir, 'reports');
  const configFile = join(dir, 'config.yaml');
  const endpoints = (options.routes ?? ROUTES).map((r) => r.path);
  await writeFile(
    configFile,
    `baseUrl: ${JSON.stringify(options.baseUrl ? options.baseUrl(app.url) : app.url)}
database:
  url: ${JSON.stringify(db.url)}
  connectRetries: 1
  ${options.database ?? ''}
endpoints: ${JSON.stringify(endpoints)}
http: { retries: 1, timeoutMs: 5000 }
repair: { mode: apply }
report: { dir: ${JSON.stringify(reportDir)} }
`,
  );
  return { db, app, dir, reportDir, configFile, config: () => loadConfig(configFile, {}) };
}

/** A session of "someone else" holding ACCESS EXCLUSIVE on a table in an open transaction. */
export async function holdLock(t: T, url: string, table: string): Promise<{ client: pg.Client; pid: number; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url, application_name: 'fault-test-blocker' });
  client.on('error', () => {});
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  };
  t.teardown(release);
  return { client, pid, release };
}

/** Resolves with smoke-fix's backend pid once it waits for a lock (polled every 20 ms, 20 s at most). */
export async function smokeFixWaitingForLock(url: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    for (;;) {
      const { rows } = await c.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'smoke-fix' AND wait_event_type = 'Lock' AND datname = current_database()",
      );
      if (rows[0]) return rows[0].pid;
      if (Date.now() > deadline) throw new Error('smoke-fix never waited for the lock');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await c.end().catch(() => {});
  }
}

/** The one run folder under `reportDir`. */
export async function runFolder(reportDir: string): Promise<string> {
  const entries = (await readdir(reportDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  if (entries.length !== 1) throw new Error(`expected one run folder in ${reportDir}, found ${entries.join(', ')}`);
  return join(reportDir, entries[0]!);
}

/** Repairs journaled in repair.sql: one `BEGIN; … COMMIT;` block each. */
export async function journaledStatements(folder: string): Promise<string[]> {
  const text = await readFile(join(folder, 'repair.sql'), 'utf8');
  return [...text.matchAll(/^BEGIN;\n([\s\S]*?)\nCOMMIT;$/gm)].map((m) => m[1]!);
}

/**
 * The statement of a change that was starting when the run died: the last "starting" line of
 * repair.sql when no block answers it (the write-ahead record of a change whose fate is unknown).
 */
export async function pendingStatement(folder: string): Promise<string | undefined> {
  const text = await readFile(join(folder, 'repair.sql'), 'utf8');
  const starts = [...text.matchAll(/^-- Round \d+: starting the repair for .*?: (.*?;) If no block for it follows/gm)].map((m) => m[1]!);
  const blocks = (await journaledStatements(folder)).length;
  const answered = [...text.matchAll(/^-- Round \d+: the repair for .* failed and was rolled back\.$/gm)].length;
  return starts.length > blocks + answered ? starts[starts.length - 1] : undefined;
}

/** Polls until repair.sql under `reportDir` holds `count` committed blocks. */
export async function waitForJournal(reportDir: string, count: number, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const folder = await runFolder(reportDir);
      if ((await journaledStatements(folder)).length >= count) return folder;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`repair.sql never held ${count} change(s)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Cli {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `smoke-fix run <config>` as a real process. */
export function spawnCli(t: T, configFile: string): Cli {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'run', configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr }))),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, exited };
}
