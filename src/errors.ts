/**
 * One base class, a subclass per category, and a stable `code` on every error (undici-style):
 * callers test the category (`instanceof EnvironmentError`), reports and tests read the code.
 * Only failures of the tool or its environment end a run; a failing endpoint is data in the
 * RunResult, and its transport failure a `TransportError` kept in the probe's attempts.
 *
 * Messages must never contain secrets: pass URLs through `redactUrl` before they go in.
 */

/** Exit 2: the fix is in the command line, the config, or the project the config names. */
export type ConfigErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'TARGETS_QUERY'
  | 'FLEET_SUMMARY'
  | 'HISTORY_MANAGE_NOT_STARTED'
  | 'HISTORY_PROJECT_FAILED'
  | 'HISTORY_READ_FAILED'
  | 'HISTORY_SQL_UNREADABLE';

/** Exit 3: the database, the target, the lock, a signal or the disk stopped the run. */
export type EnvironmentErrorCode =
  | 'DB_UNREACHABLE'
  | 'LOCK_HELD'
  | 'LOCK_LOST'
  | 'INTERRUPTED'
  | 'TARGET_UNREACHABLE'
  | 'LOGIN_FAILED'
  | 'REPORT_WRITE_FAILED'
  | 'HISTORY_DB_UNREACHABLE'
  | 'HISTORY_TIMEOUT'
  | 'SQL_PARSER_UNAVAILABLE';

/** Operating-system codes of a failed exchange that a transport failure keeps as they are. */
export const OS_TRANSPORT_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
] as const;

/**
 * Why a request got no usable answer (probe/transport.ts): an OS code, `TIMEOUT`, a gateway status
 * that outlasted the retries (`HTTP_503`), or an answer, certificate or request no retry can fix.
 */
export type TransportCode =
  | (typeof OS_TRANSPORT_CODES)[number]
  | 'TIMEOUT'
  | `HTTP_${number}`
  | 'BAD_HTTP'
  | 'TLS'
  | 'BAD_REQUEST'
  | 'ABORTED'
  | 'HTTP_ERROR';

/**
 * Every code in use: the errors' own, and a result's `errorCode` — which is an error's code, or
 * `NO_ERROR_SOURCE` (cascade/no-error-source.ts: stuck with nothing to read the errors from).
 */
export type ErrorCode = ConfigErrorCode | EnvironmentErrorCode | TransportCode | 'INTERNAL_ERROR' | 'NO_ERROR_SOURCE';

export abstract class SmokeFixError extends Error {
  abstract readonly code: ErrorCode;
  /** Process exit code the CLI maps this error to. */
  abstract readonly exitCode: 1 | 2 | 3;
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

/** Usage or config error: the fix is in the command line, the config or the project it names. Exit 2. */
export abstract class ConfigError extends SmokeFixError {
  abstract override readonly code: ConfigErrorCode;
  override readonly exitCode = 2;
  /** The config file's problems, each with `file:line:col`; empty when the mistake is elsewhere. */
  readonly problems: readonly ConfigProblem[] = [];
}

/** Every problem of a config file at once, each with `file:line:col`. Exit 2. */
export class InvalidConfigError extends ConfigError {
  override readonly code = 'CONFIG_INVALID';
  override readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the config:\n` +
        problems.map((p) => `  ${p.file}:${p.line}:${p.col} ${p.path ? p.path + ': ' : ''}${p.message}`).join('\n'),
    );
    this.problems = problems;
  }
}

/** Wrong command-line usage. Exit 2. */
export class UsageError extends ConfigError {
  override readonly code = 'USAGE';
}

/**
 * Environment error: the database or the target unreachable after the retries, another run
 * holding the lock, a signal, a report that cannot be written. The run still ends with a result
 * and a report. Exit 3.
 */
export abstract class EnvironmentError extends SmokeFixError {
  abstract override readonly code: EnvironmentErrorCode;
  override readonly exitCode = 3;
}

/** The database could not be reached after the retries. Exit 3. */
export class DatabaseUnreachableError extends EnvironmentError {
  override readonly code = 'DB_UNREACHABLE';
}

/** Another smoke-fix run holds the advisory lock on this database. Exit 3. */
export class LockHeldError extends EnvironmentError {
  override readonly code = 'LOCK_HELD';
}

/** The session holding the run lock died mid-run (terminated, server restart): stop changing things. Exit 3. */
export class LockLostError extends EnvironmentError {
  override readonly code = 'LOCK_LOST';
}

/** SIGINT/SIGTERM arrived: the run stopped between two changes, with a report. Exit 3. */
export class InterruptedError extends EnvironmentError {
  override readonly code = 'INTERRUPTED';
}

/** The target web app could not be reached at all after the retries. Exit 3. */
export class TargetUnreachableError extends EnvironmentError {
  override readonly code = 'TARGET_UNREACHABLE';
}

/** A login profile was refused (wrong credentials) — never mistaken for drift. Exit 3. */
export class LoginFailedError extends EnvironmentError {
  override readonly code = 'LOGIN_FAILED';
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
export class ReportWriteError extends EnvironmentError {
  override readonly code = 'REPORT_WRITE_FAILED';
}

/**
 * A failure of smoke-fix's own (a bug): anything thrown that is not a SmokeFixError, wrapped so it
 * has a code and an exit code like the rest. Exit 1.
 */
export class InternalError extends SmokeFixError {
  override readonly code = 'INTERNAL_ERROR';
  override readonly exitCode = 1;
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** `error` itself when it is one of ours; anything else as an InternalError. */
export function asSmokeFixError(error: unknown): SmokeFixError {
  return error instanceof SmokeFixError ? error : new InternalError(error);
}
