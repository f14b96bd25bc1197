/**
 * Run one repair: its own transaction, its own lock and statement timeouts, counts before and
 * after, then a check from outside the transaction that the object resolves where it should.
 * A failure rolls back and becomes data (`status: 'failed'` with PostgreSQL's message), so one
 * stuck table does not stop the other repairs of a round.
 *
 * Lock contention is retried the way pgroll and GitLab's `with_lock_retries` do: a short
 * `lock_timeout` per attempt (so the DDL never queues the app's queries behind it for long), then
 * exponential backoff with jitter (p-retry, as for connections) and another attempt, up to
 * `lockRetries`; then the blocking sessions are reported, never ended.
 */
import type pg from 'pg';
import pRetry from 'p-retry';
import { qualified } from '../db/quote.js';
import type { QualifiedName, Queryable } from '../db/types.js';
import { findLeftovers } from './leftovers.js';
import {
  columnPresentSql,
  countColumnsSql,
  countConstraintsSql,
  countIndexesSql,
  countRowsSql,
  resolvesSql,
  setLocalTimeoutsSql,
  UNRESOLVED_NAMES_SQL,
} from './sql.js';
import type { ApplyOutcome, RepairAction, StorageCheck, Verification } from './types.js';
import { verifyObjectMove } from './verify-object.js';
import { blockersOf, describeBlockers, type Blocker } from './blockers.js';
import { shouldCountRows, storageOf, type StorageState } from './storage.js';

export type { ApplyOutcome } from './types.js';
import { isConnectionError } from '../db/connection-errors.js';
import { DatabaseUnreachableError } from '../errors.js';

export interface ApplyOptions {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Attempts after the first whose `lock_timeout` fired (`database.lockRetries`). Default 0. */
  readonly lockRetries?: number | undefined;
  /** First backoff delay in ms; doubles per attempt, times a random 1–2, at most 10 s. Default 500. */
  readonly lockRetryDelayMs?: number | undefined;
  /** Count every row of a moved table, however large (`repair.verifyRowCounts`). */
  readonly verifyRowCounts?: boolean | undefined;
  /** Heap size under which rows are counted anyway (default COUNT_ROWS_BELOW_BYTES, 32 MiB). */
  readonly countRowsBelowBytes?: number | undefined;
  /** SIGTERM/SIGINT: the statement in flight is cancelled and rolls back; no retry follows. */
  readonly signal?: AbortSignal | undefined;
}

const LOCK_NOT_AVAILABLE = '55P03';
const MAX_BACKOFF_MS = 10_000;


/** What to count on each side of the DDL. Views, sequences and foreign tables have no rows of their own to count. */
interface Measured {
  readonly before: QualifiedName;
  readonly after: QualifiedName;
  readonly rows: boolean;
  /** False for a routine, type or extension: there is no relation to count columns of. */
  readonly columns?: boolean | undefined;
  readonly indexes: boolean;
  readonly constraints: boolean;
  /** Partitioned table: indexes/constraints of the whole tree. */
  readonly tree: boolean;
}

function measuredFor(action: RepairAction): Measured {
  if (action.kind === 'add-column') {
    // No row count: the target table is live, and counting it while ADD COLUMN holds its ACCESS
    // EXCLUSIVE lock would stall the app for a full scan. Adding a column cannot change the rows;
    // the column count (before + 1) is what proves this change.
    const table = { schema: action.schema, name: action.table };
    return { before: table, after: table, rows: false, indexes: true, constraints: true, tree: false };
  }
  if (action.kind === 'move-object') {
    // Nothing to count: SET SCHEMA changes one catalog row; the proof is that the same OID
    // answers to the name in the target (verifyObjectMove).
    const none = { schema: action.fromSchema, name: action.object.name };
    return { before: none, after: none, rows: false, columns: false, indexes: false, constraints: false, tree: false };
  }
  const kind = action.relation.kind;
  const tableLike = kind === 'table' || kind === 'partitioned-table';
  return {
    before: { schema: action.fromSchema, name: action.relation.name },
    after: { schema: action.toSchema, name: action.relation.name },
    rows: tableLike || kind === 'materialized-view',
    indexes: tableLike || kind === 'materialized-view',
    constraints: tableLike,
    tree: kind === 'partitioned-table',
  };
}

interface Counts {
  readonly rows: number | null;
  readonly columns: number;
  readonly indexes?: number;
  readonly constraints?: number;
}

async function single<T>(db: Queryable, sql: string, column: string): Promise<T> {
  const { rows } = await db.query(sql);
  return rows[0]?.[column] as T;
}

async function count(db: Queryable, relation: QualifiedName, what: Measured, countRows: boolean): Promise<Counts> {
  let rows: number | null = null;
  if (what.rows && countRows && (await isReadable(db, relation))) rows = Number(await single<string>(db, countRowsSql(relation), 'n'));
  const tree = { ...relation, tree: what.tree };
  return {
    rows,
    columns: what.columns === false ? 0 : await single<number>(db, countColumnsSql(relation), 'n'),
    ...(what.indexes ? { indexes: await single<number>(db, countIndexesSql(tree), 'n') } : {}),
    ...(what.constraints ? { constraints: await single<number>(db, countConstraintsSql(tree), 'n') } : {}),
  };
}

/** A materialized view created WITH NO DATA cannot be scanned; its row count is then unknown, not an error. */
async function isReadable(db: Queryable, relation: QualifiedName): Promise<boolean> {
  const { rows } = await db.query<{ populated: boolean }>(
    'SELECT relispopulated AS populated FROM pg_catalog.pg_class WHERE oid = to_regclass($1)',
    [qualified(relation.schema, relation.name)],
  );
  return rows[0]?.populated !== false;
}

function message(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown };
  const text = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? `${text} (SQLSTATE ${e.code})` : text;
}

/** One attempt's outcome, and whether it was `lock_timeout` (worth another attempt). */
interface Attempt {
  readonly outcome: ApplyOutcome;
  readonly lockTimedOut: boolean;
  readonly blockers: readonly Blocker[];
}

class LockBusy extends Error {}

export async function applyAction(pool: pg.Pool, action: RepairAction, options: ApplyOptions): Promise<ApplyOutcome> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  // Validate the timeouts before taking a connection: a bad value is a bug, not a failed repair.
  const timeouts = setLocalTimeoutsSql(options);
  const retries = Math.max(0, Math.trunc(options.lockRetries ?? 0));
  let attempts = 0;
  let last: Attempt | undefined;
  const whole = (outcome: ApplyOutcome): ApplyOutcome => ({ ...outcome, startedAt, durationMs: Math.round(performance.now() - started) });
  try {
    const outcome = await pRetry(
      async () => {
        attempts += 1;
        last = await attemptOnce(pool, action, options, timeouts);
        if (last.lockTimedOut && !options.signal?.aborted) throw new LockBusy();
        return last.outcome;
      },
      {
        retries,
        factor: 2,
        minTimeout: options.lockRetryDelayMs ?? 500,
        maxTimeout: MAX_BACKOFF_MS,
        randomize: true,
        signal: options.signal,
        shouldRetry: ({ error }) => error instanceof LockBusy,
      },
    );
    return whole(outcome);
  } catch (error) {
    // A lost database (DatabaseUnreachableError) is the caller's: exit 3 with the record whole.
    if (!last || (!(error instanceof LockBusy) && !options.signal?.aborted)) throw error;
    if (!last.lockTimedOut) return whole(last.outcome);
    const waited = Math.round((performance.now() - started) / 100) / 10;
    const stopped = options.signal?.aborted ? ' The run was interrupted, so no further attempt was made.' : '';
    return whole({
      ...last.outcome,
      error:
        `Could not take the lock for ${JSON.stringify(action.sql)} in ${attempts} attempt(s) over ${waited} s ` +
        `(lock_timeout ${options.lockTimeoutMs} ms each, backoff with jitter between): ${last.outcome.error ?? 'lock timeout'}. ` +
        `Nothing of it was applied.${stopped} ${describeBlockers(last.blockers)} smoke-fix never ends another session itself`,
    });
  }
}

async function attemptOnce(pool: pg.Pool, action: RepairAction, options: ApplyOptions, timeouts: string): Promise<Attempt> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const what = measuredFor(action);
  const failed = (error: string, lockTimedOut = false, blockers: readonly Blocker[] = []): Attempt => ({
    outcome: { status: 'failed', startedAt, durationMs: elapsed(), error, warnings: [] },
    lockTimedOut,
    blockers,
  });

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (isConnectionError(error)) {
      throw new DatabaseUnreachableError(`The database could not be reached to run "${action.sql}" (${message(error)}); nothing of it was applied.`, { cause: error });
    }
    return failed(message(error));
  }
  let broken: Error | undefined;
  let committing = false;
  let pid = 0;
  let blockers: Blocker[] = [];
  let watching: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  // SIGTERM: cancel our own statement (never anyone else's); the transaction then rolls back. Once
  // COMMIT is sent it is left to finish, and the change is recorded.
  const cancel = () => {
    if (pid !== 0 && !committing) void pool.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]).catch(() => {});
  };
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    let before: Counts;
    let after: Counts;
    let storageBefore: StorageState | null = null;
    let storageAfter: StorageState | null = null;
    let countRows = false;
    try {
      pid = (await client.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
      if (options.signal?.aborted) return failed(`Not started: the run was interrupted (${String(options.signal.reason ?? 'aborted')}).`);
      await client.query('BEGIN');
      await client.query(timeouts);
      // Half-way through lock_timeout, ask who this session waits for (on another connection). The
      // wait may come at the first statement that touches the table, not only at the DDL.
      timer = setTimeout(() => {
        watching = blockersOf(pool, pid).then((b) => void (blockers = b), () => {});
      }, Math.max(20, Math.floor(options.lockTimeoutMs / 2)));
      if (what.rows) storageBefore = await storageOf(client, what.before);
      countRows = shouldCountRows(storageBefore, options.verifyRowCounts === true, options.countRowsBelowBytes);
      before = await count(client, what.before, what, countRows);
      await client.query(action.sql);
      clearTimeout(timer);
      // Counted inside the transaction, under the ACCESS EXCLUSIVE lock the DDL holds until COMMIT:
      // exactly the rows that moved. A count after COMMIT would race the app, which starts writing
      // to the table the moment it resolves.
      if (what.rows) storageAfter = await storageOf(client, what.after);
      after = await count(client, what.after, what, countRows);
      committing = true;
      await client.query('COMMIT');
    } catch (error) {
      clearTimeout(timer);
      if (isConnectionError(error)) {
        // The session is gone. Before COMMIT the server rolled the transaction back; during COMMIT
        // nobody can tell from here whether it landed, and that is said, not guessed.
        broken = error instanceof Error ? error : new Error(String(error));
        throw new DatabaseUnreachableError(
          committing
            ? `The database connection was lost while committing "${action.sql}" (${message(error)}): whether it was applied is unknown. Check with \`smoke-fix scan\` before running again.`
            : `The database connection was lost before "${action.sql}" committed (${message(error)}); the server rolled it back, nothing of it was applied.`,
          { cause: error },
        );
      }
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      await watching;
      const code = (error as { code?: unknown })?.code;
      const cancelled = options.signal?.aborted && code === '57014' ? ` Cancelled because the run was interrupted (${String(options.signal.reason ?? 'aborted')}); rolled back.` : '';
      return failed(message(error) + cancelled, code === LOCK_NOT_AVAILABLE, blockers);
    }

    // Committed. From here on a problem is a failed verification, not a failed repair.
    const problems: string[] = [];
    let resolves = false;
    const warnings: string[] = [];
    try {
      resolves = await checkResolves(client, action, problems);
      if (action.kind === 'move-relation') {
        warnings.push(...(await findLeftovers(client, { moved: what.after, sourceSchema: action.fromSchema })));
      }
    } catch (error) {
      problems.push(`verification query failed: ${message(error)}`);
    }
    compare(problems, 'row count', before.rows, after.rows);
    const storage = storageCheck(storageBefore, storageAfter, countRows, problems);
    // A column add must add exactly one column; a move must keep every column.
    compare(problems, 'column count', before.columns + (action.kind === 'add-column' ? 1 : 0), after.columns);
    compare(problems, 'index count', before.indexes, after.indexes);
    compare(problems, 'constraint count', before.constraints, after.constraints);
    const verification: Verification = {
      ok: problems.length === 0,
      resolvesInTarget: resolves,
      rowsBefore: before.rows,
      rowsAfter: after.rows,
      ...(what.columns !== false ? { columnsBefore: before.columns, columnsAfter: after.columns } : {}),
      ...(before.indexes !== undefined ? { indexesBefore: before.indexes, indexesAfter: after.indexes } : {}),
      ...(before.constraints !== undefined ? { constraintsBefore: before.constraints, constraintsAfter: after.constraints } : {}),
      ...(storage ? { storage } : {}),
      problems,
    };
    return { outcome: { status: 'applied', startedAt, durationMs: elapsed(), verification, warnings }, lockTimedOut: false, blockers: [] };
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    client.release(broken);
  }
}

/** Same OID and files before and after: the move rewrote nothing. */
function storageCheck(before: StorageState | null, after: StorageState | null, counted: boolean, problems: string[]): StorageCheck | undefined {
  if (!before) return undefined;
  const unchanged = after !== null && after.oid === before.oid && after.relfilenode === before.relfilenode && after.files === before.files;
  if (!unchanged) {
    problems.push(`storage changed (OID:relfilenode ${before.files} before, ${after?.files ?? 'none'} after): the rows may have been rewritten`);
  }
  return { oid: before.oid, relfilenode: before.relfilenode, unchanged, rowEstimate: before.rowEstimate, bytes: before.bytes, counted };
}

async function checkResolves(db: Queryable, action: RepairAction, problems: string[]): Promise<boolean> {
  if (action.kind === 'move-object') return verifyObjectMove(db, action, problems);
  if (action.kind === 'add-column') {
    const present = await single<boolean>(db, columnPresentSql({ schema: action.schema, table: action.table, column: action.column.name }), 'present');
    if (!present) problems.push(`column ${qualified(action.schema, action.table)}.${action.column.name} is not there after the commit`);
    return present;
  }
  const target = { schema: action.toSchema, name: action.relation.name };
  const resolves = await single<boolean>(db, resolvesSql(target), 'resolves');
  if (!resolves) problems.push(`${qualified(target.schema, target.name)} does not resolve after the commit`);
  const partitions = (action.partitions ?? []).map((p) => qualified(action.toSchema, p.name));
  if (partitions.length > 0) {
    const { rows } = await db.query<{ name: string }>(UNRESOLVED_NAMES_SQL, [partitions]);
    for (const row of rows) problems.push(`partition ${row.name} does not resolve after the commit`);
  }
  return resolves;
}

function compare(problems: string[], what: string, before: number | null | undefined, after: number | null | undefined): void {
  if (before !== after) problems.push(`${what} changed from ${before ?? 'unknown'} to ${after ?? 'unknown'}`);
}
