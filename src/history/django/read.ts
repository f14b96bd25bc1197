/**
 * Reads a Django project's migration history in ONE process: `<manage…> shell -c <helper>` in the
 * configured folder, with a minimal environment. See helper.ts for what the Python side does and
 * why no DDL can run through it; this side starts it, bounds it in time, and turns every way it
 * can fail into an error that says what to fix.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { DjangoHistoryConfig } from '../../config/types.js';
import { maskSecrets } from '../../util/redact.js';
import type { AppliedMigration, MigrationHistory } from '../types.js';
import { childEnv, urlPasswordsOf } from './child-env.js';
import { DjangoProjectError, HistoryDatabaseUnreachableError, HistoryReadError, HistoryTimeoutError, ManageNotStartedError } from './errors.js';
import { djangoHistoryHelper } from './helper.js';
import { parseHelperOutput, type HelperOutput } from './output.js';

export interface ReadDjangoHistoryOptions {
  /** Values masked in every message (the config's secrets: `secretsOf(config)`). */
  readonly secrets?: readonly string[] | undefined;
  /**
   * Schemas appended to Django's search_path while collecting (the target and source schemas), so
   * the few operations whose SQL depends on the live catalog see drifted tables as a healthy
   * database would show them. Names only; the helper quotes them.
   */
  readonly introspectSchemas?: readonly string[] | undefined;
  /** The environment the minimal one is taken from (tests); default `process.env`. */
  readonly parentEnv?: NodeJS.ProcessEnv | undefined;
}

/** Lines of the command's stderr quoted in an error: enough for a traceback's end. */
const STDERR_TAIL_LINES = 15;
/** stderr kept while running (its tail is all a message quotes). */
const STDERR_KEEP = 64 * 1024;
/** A history of thousands of migrations is a few MiB; a project printing without end is stopped here. */
const STDOUT_LIMIT = 256 * 1024 * 1024;

interface Finished {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export async function readDjangoHistory(settings: DjangoHistoryConfig, options: ReadDjangoHistoryOptions = {}): Promise<MigrationHistory> {
  const secrets = [...(options.secrets ?? []), ...urlPasswordsOf(settings.env)];
  const mask = (text: string): string => maskSecrets(text, secrets);
  const command = mask(settings.manage.join(' '));
  const where = `\`${command}\` in ${settings.cwd}`;

  const folder = await stat(settings.cwd).catch(() => undefined);
  if (!folder?.isDirectory()) {
    throw new ManageNotStartedError(`history.django: cannot run ${where}: the folder does not exist; check \`history.django.cwd\` (default: the config file's folder)`);
  }

  const mark = `SMOKE_FIX_${randomBytes(12).toString('hex')}`;
  const started = performance.now();
  const env = { ...childEnv(settings.env, options.parentEnv), SMOKE_FIX_INTROSPECT_SCHEMAS: JSON.stringify(options.introspectSchemas ?? []) };
  const run = await runOnce(settings, mark, env, (reason) => new ManageNotStartedError(`history.django: cannot start ${where}: ${mask(reason)}; check \`history.django.manage\` (the interpreter must be on PATH or given by its full path)`));
  const durationMs = Math.round(performance.now() - started);

  if (run === 'overflow') {
    throw new HistoryReadError(`history.django: ${where} printed more than ${STDOUT_LIMIT / 1024 / 1024} MiB; it was stopped (does the project print in a loop?)`);
  }
  if (run === 'timeout') {
    throw new HistoryTimeoutError(`history.django: ${where} did not finish reading the migration history within ${settings.readTimeoutMs} ms (history.django.readTimeoutMs); it was stopped`);
  }
  const tail = (): string => {
    const lines = mask(run.stderr).trimEnd().split('\n').slice(-STDERR_TAIL_LINES);
    return lines.length === 1 && lines[0] === '' ? '  (it printed nothing on stderr)' : lines.map((l) => `  | ${l}`).join('\n');
  };
  const how = run.code === null ? `was killed by ${run.signal}` : `exited with code ${run.code}`;

  let output: HelperOutput;
  try {
    output = parseHelperOutput(run.stdout, mark);
  } catch (error) {
    throw new HistoryReadError(`history.django: ${where} printed a garbled history (${(error as Error).message}); stderr ends with:\n${tail()}`);
  }
  switch (output.kind) {
    case 'not-started':
      if (/can't open file|No such file or directory|command not found|not found/i.test(run.stderr) && run.code !== 1) {
        throw new ManageNotStartedError(`history.django: ${where} did not start (it ${how}): check \`history.django.manage\` and \`cwd\`; stderr ends with:\n${tail()}`);
      }
      throw new DjangoProjectError(`history.django: the Django project failed before it was ready: ${where} ${how}; fix its settings or \`history.django.env\` (e.g. DJANGO_SETTINGS_MODULE); stderr ends with:\n${tail()}`);
    case 'started-only':
      throw new HistoryReadError(`history.django: ${where} stopped while reading the migrations (it ${how}); stderr ends with:\n${tail()}`);
    case 'error':
      if (output.error === 'database-unreachable') {
        throw new HistoryDatabaseUnreachableError(`history.django: Django cannot reach its database (${where}): ${mask(output.message)}`);
      }
      throw new HistoryReadError(`history.django: the migrations of ${where} could not be read: ${mask(output.message)}`);
    case 'history':
      return {
        source: 'django',
        migrations: output.migrations.map(
          (m): AppliedMigration => ({ id: `${m.app}.${m.name}`, appliedAt: m.applied, app: m.app, name: m.name, statements: m.statements, notes: m.notes }),
        ),
        warnings: output.warnings,
        durationMs,
      };
  }
}

/** Runs the helper once: its output, 'timeout', 'overflow', or the start error from `cannotStart`. */
function runOnce(settings: DjangoHistoryConfig, mark: string, env: NodeJS.ProcessEnv, cannotStart: (reason: string) => Error): Promise<Finished | 'timeout' | 'overflow'> {
  const [file, ...args] = settings.manage as [string, ...string[]];
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout stops the whole tree (`manage` may be a wrapper script).
    const child = spawn(file, [...args, 'shell', '-c', djangoHistoryHelper(mark)], {
      cwd: settings.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let stopped: 'timeout' | 'overflow' | undefined;
    const killGroup = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // Detached, the child would outlive smoke-fix exiting mid-read (Ctrl-C reaches only our group).
    process.once('exit', killGroup);
    child.stdout.on('data', (d: Buffer) => {
      stdoutBytes += d.length;
      if (stdoutBytes <= STDOUT_LIMIT) stdout.push(d);
      else if (stopped === undefined) {
        stopped = 'overflow';
        killGroup();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    const timer = setTimeout(() => {
      stopped ??= 'timeout';
      killGroup();
    }, settings.readTimeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      const reason = error.code === 'ENOENT' ? `\`${file}\` was not found` : error.code === 'EACCES' ? `\`${file}\` is not executable` : error.message;
      reject(cannotStart(reason));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      if (stopped !== undefined) resolve(stopped);
      else resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr, code, signal });
    });
  });
}
