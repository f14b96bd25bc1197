/**
 * Telling a lost database (exit 3: the environment) from an SQL error (data for the report).
 * Used wherever a query can meet a server that restarted, shut down or dropped the connection
 * in the middle of a run.
 */
import { DatabaseUnreachableError } from '../errors.js';

const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'ENETUNREACH']);
/** 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08 connection_exception. */
const SQLSTATES = /^(08...|57P0[123])$/;

export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (NODE_CODES.has(code) || SQLSTATES.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection error|Client was closed|not queryable/i.test(message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A connection-level failure becomes DatabaseUnreachableError (exit 3); anything else is rethrown as is. */
export function rethrowAsUnreachable(error: unknown, during: string): never {
  if (isConnectionError(error)) {
    throw new DatabaseUnreachableError(`The database connection failed during ${during}: ${messageOf(error)}. Check that PostgreSQL is up, then run again.`, {
      cause: error,
    });
  }
  throw error;
}
