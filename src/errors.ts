/**
 * One base class, subclasses with a stable `code` (undici-style). Only failures of the tool or its
 * environment are thrown; a failing endpoint is data in the RunResult.
 *
 * Messages must never contain secrets: pass URLs through `redactUrl` before they go in.
 */

export class SmokeFixError extends Error {
  readonly code: string = 'SMOKE_FIX_ERROR';
  /** Process exit code the CLI maps this error to. */
  readonly exitCode: 1 | 2 | 3 = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Dotted key path, e.g. `endpoints[2].auth`. */
  readonly path: string;
  readonly message: string;
}

/** Every problem of a config file at once, each with `file:line:col`. Exit 2. */
export class ConfigError extends SmokeFixError {
  override readonly code = 'CONFIG_INVALID';
  override readonly exitCode = 2;
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the config:\n` +
        problems.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.path ? p.path + ': ' : ''}${p.message}`).join('\n'),
    );
    this.problems = problems;
  }
}

/** Wrong command-line usage. Exit 2. */
export class UsageError extends SmokeFixError {
  override readonly code = 'USAGE';
  override readonly exitCode = 2;
}

/** The database could not be reached after the retries. Exit 3. */
export class DatabaseUnreachableError extends SmokeFixError {
  override readonly code = 'DB_UNREACHABLE';
  override readonly exitCode = 3;
}

/** Another smoke-fix run holds the advisory lock on this database. Exit 3. */
export class LockHeldError extends SmokeFixError {
  override readonly code = 'LOCK_HELD';
  override readonly exitCode = 3;
}

/** The session holding the run lock died mid-run (terminated, server restart): stop changing things. Exit 3. */
export class LockLostError extends SmokeFixError {
  override readonly code = 'LOCK_LOST';
  override readonly exitCode = 3;
}

/** SIGINT/SIGTERM arrived: the run stopped between two changes, with a report. Exit 3. */
export class InterruptedError extends SmokeFixError {
  override readonly code = 'INTERRUPTED';
  override readonly exitCode = 3;
}

/** The target web app could not be reached at all after the retries. Exit 3. */
export class TargetUnreachableError extends SmokeFixError {
  override readonly code = 'TARGET_UNREACHABLE';
  override readonly exitCode = 3;
}

/** A login profile was refused (wrong credentials) — never mistaken for drift. Exit 3. */
export class LoginFailedError extends SmokeFixError {
  override readonly code = 'LOGIN_FAILED';
  override readonly exitCode = 3;
  constructor(
    readonly profile: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The run folder (report.md, repair.sql, rollback.sql) cannot be written: before any change that
 * stops the run; after a change, it stops further changes and says what was recorded. Exit 3.
 */
export class ReportWriteError extends SmokeFixError {
  override readonly code = 'REPORT_WRITE_FAILED';
  override readonly exitCode = 3;
}
