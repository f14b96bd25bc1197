/**
 * Who holds the lock a repair waits for. While the DDL waits, a second connection asks
 * `pg_blocking_pids` about the repair's backend and `pg_stat_activity` about each blocker, so a
 * person can decide what to do. smoke-fix never ends another session: the report shows the
 * `pg_terminate_backend` call a person may choose to run.
 */
import type { Queryable } from '../db/types.js';
import { sqlComment } from '../db/quote.js';

export interface Blocker {
  readonly pid: number;
  readonly applicationName: string;
  readonly user: string;
  readonly state: string;
  /** The blocker's current (or last) statement, shortened. */
  readonly query: string;
  /** Seconds since its transaction (or statement) started. */
  readonly ageSeconds: number;
}

export const BLOCKERS_SQL = `SELECT a.pid, coalesce(a.application_name, '') AS application_name, coalesce(a.usename::text, '') AS usename,
       coalesce(a.state, '') AS state, left(coalesce(a.query, ''), 300) AS query,
       round(extract(epoch FROM (pg_catalog.now() - coalesce(a.xact_start, a.query_start, a.backend_start))))::int AS age
FROM pg_catalog.pg_stat_activity a
WHERE a.pid = ANY (pg_catalog.pg_blocking_pids($1))
ORDER BY a.xact_start NULLS LAST`;

export async function blockersOf(db: Queryable, pid: number): Promise<Blocker[]> {
  const { rows } = await db.query<{ pid: number; application_name: string; usename: string; state: string; query: string; age: number | null }>(
    BLOCKERS_SQL,
    [pid],
  );
  return rows.map((r) => ({
    pid: r.pid,
    applicationName: r.application_name,
    user: r.usename,
    state: r.state,
    query: r.query,
    ageSeconds: r.age ?? 0,
  }));
}

/** One sentence per blocker, control characters escaped (the query is another session's text). */
export function describeBlockers(blockers: readonly Blocker[]): string {
  if (blockers.length === 0) return 'The session holding the lock could not be identified (it may have ended just before the look-up).';
  return blockers
    .map(
      (b) =>
        `Blocked by backend pid ${b.pid} (application ${JSON.stringify(sqlComment(b.applicationName))}, user ${JSON.stringify(sqlComment(b.user))}, ` +
        `${sqlComment(b.state) || 'unknown state'}, transaction open ${b.ageSeconds} s), ${b.state.startsWith('idle') ? 'last statement' : 'running'}: ${JSON.stringify(sqlComment(b.query))}. ` +
        `If you decide it may go, end it with: SELECT pg_terminate_backend(${b.pid});`,
    )
    .join(' ');
}
