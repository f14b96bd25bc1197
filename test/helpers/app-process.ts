/**
 * A real application server of another stack (Flask, Rails, a Node app) as a child process on a
 * free port, for the tests under test/stacks: started once per test file, ready when its health
 * path answers 200, stopped (its whole process group) in teardown; its output is printed when
 * the test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/embedded/postgres.js';

export interface AppProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

export interface AppProcessOptions {
  /** For messages: `Flask`, `Rails`. */
  readonly name: string;
  readonly command: string;
  readonly args: (port: number) => string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly healthPath?: string;
  readonly startTimeoutMs?: number;
}

interface TestLike {
  teardown(fn: () => unknown): void;
  passing(): boolean;
  comment(...message: unknown[]): void;
}

const OUTPUT_LIMIT = 64 * 1024;

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // detached: the child leads its own process group
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await done;
  clearTimeout(timer);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Started and stopped by `t`: its output is printed in the test's comments when the test failed. */
export async function startAppProcess(t: TestLike, options: AppProcessOptions): Promise<AppProcess> {
  const app = await spawnAppProcess(options);
  t.teardown(async () => {
    if (!t.passing()) t.comment(`${options.name} output:\n${app.output()}`);
    await app.stop();
  });
  return app;
}

/** The app process alone, ready when its health path answers 200; the caller stops it. */
export async function spawnAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  let lastError: Error | undefined;
  // freePort() releases the port before the app binds it; another process may take it between.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    const child = spawn(options.command, options.args(port), {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const keep = (d: string) => void (output = (output + d).slice(-OUTPUT_LIMIT));
    child.stdout!.setEncoding('utf8').on('data', keep);
    child.stderr!.setEncoding('utf8').on('data', keep);
    const stop = () => stopGroup(child);
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await answers(url + (options.healthPath ?? '/healthz'))) return { url, output: () => output, stop };
      await new Promise((r) => setTimeout(r, 150));
    }
    await stop();
    lastError = new Error(`${options.name} on ${url} did not answer ${options.healthPath ?? '/healthz'}:\n${output.trim()}`);
    if (!/address already in use|port is already in use|EADDRINUSE/i.test(output)) break;
  }
  throw lastError!;
}

/** Run a command to completion (an app's migration runner); rejects with its output on failure. */
export function runToEnd(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? sig}:\n${output.trim()}`));
    });
  });
}

/** A connection URL whose sessions start with `search_path` = `schema` (libpq `options`). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-csearch_path=${schema}`);
  return u.toString();
}
