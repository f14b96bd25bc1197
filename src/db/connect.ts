/**
 * Open the database: a small keep-alive pool, checked with a real connection before the run
 * starts. Transient failures (refused, reset, timeout) are retried with backoff through p-retry,
 * which already does exponential backoff with jitter and stop conditions; failures that a retry
 * cannot fix (bad password, unknown database) stop at once. The error names host:port/database and
 * the reason, never the password.
 */
import pg from 'pg';
import pRetry, { AbortError } from 'p-retry';
import { DatabaseUnreachableError } from '../errors.js';
import { maskSecrets, redactUrl } from '../util/redact.js';

/**
 * What opening a connection needs. The config's `database` section fits as it is; declared here so
 * db/ does not depend on the shape of the config file.
 */
export interface ConnectionSettings {
  /** Connection string. Contains a password: only `redactUrl` of it reaches a message. */
  readonly url: string;
  /** Connection attempts before the database counts as unreachable. */
  readonly connectRetries: number;
}

export interface Database {
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `application_name` the sessions show in pg_stat_activity (and in a LockHeldError). */
  readonly applicationName?: string;
  /** First backoff delay in ms (doubles per attempt, at most 5 s). Default 500. */
  readonly retryDelayMs?: number;
}

/** A few connections: one holds the run lock, one runs a repair, one looks things up. */
const POOL_MAX = 4;

export async function openDatabase(
  settings: ConnectionSettings,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: POOL_MAX,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: options.applicationName ?? 'smoke-fix',
  });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, that would
  // crash the process. The next query on a fresh client reports the problem instead.
  pool.on('error', () => {});
  // A client that is checked out has no pool listener: a server restart or pg_terminate_backend
  // (57P01) between two of its queries emits 'error' on the client itself, and unhandled that
  // kills the process with committed changes unreported. Every client gets a listener for its
  // whole life; its next query then fails with a connection error, which the caller reports.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });

  const attempts = Math.max(1, Math.trunc(settings.connectRetries));
  let made = 0;
  try {
    await pRetry(
      async () => {
        made++;
        try {
          const client = await pool.connect();
          client.release();
        } catch (error) {
          if (isPermanent(error)) throw new AbortError(asError(error));
          throw asError(error);
        }
      },
      {
        retries: attempts - 1,
        minTimeout: options.retryDelayMs ?? 500,
        maxTimeout: 5_000,
        factor: 2,
        randomize: true,
      },
    );
  } catch (error) {
    await pool.end().catch(() => {});
    throw unreachable(settings.url, made, error);
  }
  return { pool, close: () => pool.end() };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** SQLSTATE classes no retry can fix: 28 (authentication), 3D000 (no such database). */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('28') || code === '3D000');
}

interface Reason {
  readonly reason: string;
  readonly check: string;
}

function explain(error: unknown): Reason {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused (ECONNREFUSED)', check: 'check that PostgreSQL is running and listening on that host and port' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: `host name not found (${code})`, check: 'check the host in database.url' };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: `no answer from the host (${code})`, check: 'check the host, the port and any firewall in between' };
    case 'ECONNRESET':
      return { reason: 'connection reset by the server (ECONNRESET)', check: 'check the server log and whether it requires SSL (sslmode in database.url)' };
    case '28P01':
      return { reason: `authentication failed (${code}: ${message})`, check: 'check the user and password in database.url (or the variable it comes from)' };
    case '28000':
      return { reason: `authorization refused (${code}: ${message})`, check: 'check the user in database.url and the pg_hba.conf rules for this client' };
    case '3D000':
      return { reason: `database does not exist (${code}: ${message})`, check: 'check the database name in database.url' };
    default:
      if (/timeout/i.test(message)) {
        return { reason: `connection timed out (${message})`, check: 'check the host, the port and any firewall in between' };
      }
      return { reason: code ? `${message} (${code})` : message, check: 'check database.url and that the server accepts connections' };
  }
}

/** `user@host:port/database`, from the URL with the password removed. */
function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') ?? (u.hostname || 'localhost');
    const port = u.port || '5432';
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    const user = decodeURIComponent(u.username);
    return `${user ? user + '@' : ''}${host}:${port}/${database}`;
  } catch {
    return redactUrl(url);
  }
}

function passwordOf(url: string): string[] {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password, new URL(url).password] : [];
  } catch {
    return [];
  }
}

function unreachable(url: string, attempts: number, error: unknown): DatabaseUnreachableError {
  const cause = error instanceof AbortError ? error.originalError : error;
  const { reason, check } = explain(cause);
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const message = `Cannot connect to PostgreSQL at ${describeTarget(url)} after ${tries}: ${reason}; ${check}.`;
  // Belt and braces: a driver message could echo the URL; the password never leaves this function.
  return new DatabaseUnreachableError(maskSecrets(message, passwordOf(url)));
}
