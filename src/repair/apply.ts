/**
 * Run one repair: its own transaction, its own lock and statement timeouts, counts before and
 * after, then a check from outside the transaction that the object resolves where it should.
 * A failure rolls back and becomes data (`status: 'failed'` with PostgreSQL's message), so one
 * stuck table does not stop the other repairs of a round.
 */
import type pg from 'pg';
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
import type { ApplyOutcome, RepairAction, Verification } from './types.js';

export type { ApplyOutcome } from './types.js';
import { isConnectionError } from '../db/connection-errors.js';
import { DatabaseUnreachableError } from '../errors.js';

export interface ApplyOptions {
  readonly lockTimeoutMs: number;
  readonly statementTimeoutMs: number;
}


/** What to count on each side of the DDL. Views, sequences and foreign tables have no rows of their own to count. */
interface Measured {
  readonly before: QualifiedName;
  readonly after: QualifiedName;
  readonly rows: boolean;
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

async function count(db: Queryable, relation: QualifiedName, what: Measured): Promise<Counts> {
  let rows: number | null = null;
  if (what.rows && (await isReadable(db, relation))) rows = Number(await single<string>(db, countRowsSql(relation), 'n'));
  const tree = { ...relation, tree: what.tree };
  return {
    rows,
    columns: await single<number>(db, countColumnsSql(relation), 'n'),
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

export async function applyAction(pool: pg.Pool, action: RepairAction, options: ApplyOptions): Promise<ApplyOutcome> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const what = measuredFor(action);
  // Validate the timeouts before taking a connection: a bad value is a bug, not a failed repair.
  const timeouts = setLocalTimeoutsSql(options);

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    if (isConnectionError(error)) {
      throw new DatabaseUnreachableError(`The database could not be reached to run "${action.sql}" (${message(error)}); nothing of it was applied.`, { cause: error });
    }
    return { status: 'failed', startedAt, durationMs: elapsed(), error: message(error), warnings: [] };
  }
  let broken: Error | undefined;
  let committing = false;
  try {
    let before: Counts;
    let after: Counts;
    try {
      await client.query('BEGIN');
      await client.query(timeouts);
      before = await count(client, what.before, what);
      await client.query(action.sql);
      // Counted inside the transaction, under the ACCESS EXCLUSIVE lock the DDL holds until COMMIT:
      // exactly the rows that moved. A count after COMMIT would race the app, which starts writing
      // to the table the moment it resolves.
      after = await count(client, what.after, what);
      committing = true;
      await client.query('COMMIT');
    } catch (error) {
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
      return { status: 'failed', startedAt, durationMs: elapsed(), error: message(error), warnings: [] };
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
    // A column add must add exactly one column; a move must keep every column.
    compare(problems, 'column count', before.columns + (action.kind === 'add-column' ? 1 : 0), after.columns);
    compare(problems, 'index count', before.indexes, after.indexes);
    compare(problems, 'constraint count', before.constraints, after.constraints);
    const verification: Verification = {
      ok: problems.length === 0,
      resolvesInTarget: resolves,
      rowsBefore: before.rows,
      rowsAfter: after.rows,
      columnsBefore: before.columns,
      columnsAfter: after.columns,
      ...(before.indexes !== undefined ? { indexesBefore: before.indexes, indexesAfter: after.indexes } : {}),
      ...(before.constraints !== undefined ? { constraintsBefore: before.constraints, constraintsAfter: after.constraints } : {}),
      problems,
    };
    return { status: 'applied', startedAt, durationMs: elapsed(), verification, warnings };
  } finally {
    client.release(broken);
  }
}

async function checkResolves(db: Queryable, action: RepairAction, problems: string[]): Promise<boolean> {
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
