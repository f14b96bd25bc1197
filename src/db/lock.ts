/**
 * The run lock: a session-level `pg_try_advisory_lock` held by one dedicated pooled connection for
 * the whole run, so a cron run and a deploy-hook run against the same target schema never repair
 * at the same time. "try" rather than wait: the second run says who holds the lock and exits 3.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { LockHeldError, LockLostError } from '../errors.js';
import { rethrowAsUnreachable } from './connection-errors.js';

export interface RunLock {
  /** The two int4 keys of `pg_advisory_lock(key1, key2)`. */
  readonly key: readonly [number, number];
  /** Throws LockLostError when the session holding the lock has died since it was taken. */
  assertHeld(): void;
  /**
   * Like assertHeld, but when the lock died with a server RESTART (the postmaster started after the
   * lock was taken) it is taken again on a new session, if no other run has it; returns true then.
   * A session terminated on purpose (same postmaster) still ends the run: someone stopped it.
   */
  ensureHeld(): Promise<boolean>;
  /** Unlock and give the connection back to the pool. Safe to call twice. */
  release(): Promise<void>;
}

function int32Of(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/**
 * Stable across runs, machines and PostgreSQL versions (computed here, not with the server's
 * undocumented hashtext): key1 marks smoke-fix, key2 the target schema.
 */
export function runLockKey(targetSchema: string): readonly [number, number] {
  return [int32Of('smoke-fix'), int32Of(`smoke-fix:${targetSchema}`)];
}

/** Who holds the advisory lock: pg_locks shows a two-int4 key as classid/objid, objsubid 2. */
export const LOCK_HOLDER_SQL = `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr,
       a.backend_start, a.usename
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.classid = ($1::int4)::oid AND l.objid = ($2::int4)::oid
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())`;

const TRY_LOCK_SQL = 'SELECT pg_catalog.pg_try_advisory_lock($1, $2) AS acquired, pg_catalog.pg_postmaster_start_time() AS started';

interface HolderRow {
  pid: number;
  application_name: string | null;
  client_addr: string | null;
  backend_start: Date | null;
  usename: string | null;
}

export async function acquireRunLock(pool: pg.Pool, options: { readonly targetSchema: string }): Promise<RunLock> {
  const key = runLockKey(options.targetSchema);
  let client = await pool.connect().catch((error: unknown) => rethrowAsUnreachable(error, 'taking the run lock'));
  // The lock lives as long as this session. If the session dies (pg_terminate_backend, a server
  // restart) the lock is gone: remember why, so no further DDL runs unprotected. Without a
  // listener, the client's 'error' event would also crash the process.
  let lost: Error | undefined;
  const watch = (c: pg.PoolClient) =>
    c.on('error', (error: Error) => {
      if (c === client) lost ??= error;
    });
  watch(client);
  let acquired: boolean;
  let serverStarted: number;
  try {
    const { rows } = await client.query<{ acquired: boolean; started: Date }>(TRY_LOCK_SQL, [...key]);
    acquired = rows[0]?.acquired === true;
    serverStarted = rows[0]?.started.getTime() ?? 0;
    if (!acquired) {
      const holder = await client.query<HolderRow>(LOCK_HOLDER_SQL, [...key]);
      throw new LockHeldError(lockHeldMessage(options.targetSchema, holder.rows[0]));
    }
  } catch (error) {
    client.release();
    throw error;
  }
  let released = false;
  const lostError = (why: string) =>
    new LockLostError(`The connection holding the smoke-fix repair lock was lost (${why}); no further repairs were made. Check the database and run again.`);
  return {
    key,
    assertHeld() {
      if (lost) throw lostError(lost.message);
    },
    async ensureHeld() {
      if (!lost) return false;
      const fresh = await pool.connect().catch((error: unknown) => rethrowAsUnreachable(error, 're-taking the run lock'));
      try {
        const { rows } = await fresh.query<{ started: Date }>('SELECT pg_catalog.pg_postmaster_start_time() AS started');
        if ((rows[0]?.started.getTime() ?? 0) <= serverStarted) {
          throw lostError(`${lost.message}; the server did not restart, so the session was ended on purpose`);
        }
        const again = await fresh.query<{ acquired: boolean; started: Date }>(TRY_LOCK_SQL, [...key]);
        if (again.rows[0]?.acquired !== true) throw lostError(`${lost.message}; after the server restarted another run took the lock`);
        serverStarted = again.rows[0].started.getTime();
      } catch (error) {
        fresh.release();
        throw error;
      }
      const old = client;
      client = fresh;
      watch(client);
      old.release(lost);
      lost = undefined;
      return true;
    },
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query('SELECT pg_catalog.pg_advisory_unlock($1, $2)', [...key]);
        client.release();
      } catch (error) {
        // A broken connection lost the lock with its session anyway: discard it, not back to the pool.
        client.release(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

function lockHeldMessage(targetSchema: string, holder: HolderRow | undefined): string {
  const what = `Another smoke-fix run holds the repair lock for schema ${JSON.stringify(targetSchema)} on this database`;
  if (!holder) return `${what} (it ended a moment ago?); run again.`;
  const client = holder.client_addr ?? 'a local socket';
  const started = holder.backend_start ? holder.backend_start.toISOString() : 'an unknown time';
  const app = holder.application_name ? `application_name ${JSON.stringify(holder.application_name)}` : 'no application_name';
  return (
    `${what}: backend pid ${holder.pid} (${app}, user ${JSON.stringify(holder.usename ?? '')}, client ${client}, connected since ${started}). ` +
    `Wait for it to finish; if it is stuck, end it with SELECT pg_terminate_backend(${holder.pid}).`
  );
}
