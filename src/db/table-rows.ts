/**
 * How many rows a table holds, as truthfully as is cheap. `reltuples` is only an estimate, and it
 * is -1 (PostgreSQL 14+) or 0 with pages (older) for a table never vacuumed or analyzed — as every
 * table freshly filled by a migration is. So a small table is counted exactly (its size is below
 * EXACT_COUNT_MAX_BYTES, so `count(*)` reads a few pages), a large analyzed one is an estimate, and
 * a large one never analyzed says so instead of showing `~0 rows`.
 */
import { qualified } from './quote.js';
import type { Queryable } from './types.js';

/** A lock held by a running migration must not stall a scan: wait briefly, then say so. */
const COUNT_LOCK_TIMEOUT_MS = 1000;
const COUNT_STATEMENT_TIMEOUT_MS = 5000;

/** 8 MiB: 1024 pages, a `count(*)` of a few milliseconds. */
export const EXACT_COUNT_MAX_BYTES = 8 * 1024 * 1024;

export type TableRows =
  | { readonly kind: 'exact'; readonly rows: number }
  | { readonly kind: 'estimate'; readonly rows: number }
  | { readonly kind: 'not-analyzed'; readonly bytes: number }
  /** Another session holds a lock that even reading the size waits for (a running migration). */
  | { readonly kind: 'locked' };

export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

/** Names come in as parameters; the count's SQL is built from the catalog's answer. */
export const TABLE_SIZES_SQL = `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
       c.reltuples::float8 AS reltuples, c.relpages::int AS relpages, pg_catalog.pg_relation_size(c.oid)::float8 AS bytes
FROM unnest($1::text[], $2::text[]) AS u(s, t)
JOIN pg_catalog.pg_namespace n ON n.nspname = u.s
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = u.t
WHERE c.relkind IN ('r', 'p', 'm')`;

interface SizeRow {
  schema: string;
  name: string;
  relkind: string;
  reltuples: number;
  relpages: number;
  bytes: number;
}

export function tableKey(t: TableRef): string {
  return `${t.schema}\u0000${t.name}`;
}

/** Rows of each table (tables that do not exist, or are not tables, are left out). */
export async function tableRows(db: Queryable, tables: readonly TableRef[]): Promise<Map<string, TableRows>> {
  const out = new Map<string, TableRows>();
  if (tables.length === 0) return out;
  let rows: SizeRow[] | undefined = await sizesOf(db, tables);
  if (rows === undefined) {
    // One table is locked: ask table by table, so the others still get their figures.
    rows = [];
    for (const table of tables) {
      const one = await sizesOf(db, [table]);
      if (one === undefined) out.set(tableKey(table), { kind: 'locked' });
      else rows.push(...one);
    }
  }
  for (const row of rows) {
    // A partitioned table has no storage of its own (size 0): never count it blindly.
    const exact = row.relkind !== 'p' && row.bytes <= EXACT_COUNT_MAX_BYTES ? await countRows(db, row) : undefined;
    if (exact !== undefined) {
      out.set(tableKey(row), { kind: 'exact', rows: exact });
    } else if (row.reltuples < 0 || (row.reltuples === 0 && row.relpages > 0)) {
      out.set(tableKey(row), { kind: 'not-analyzed', bytes: row.bytes });
    } else {
      out.set(tableKey(row), { kind: 'estimate', rows: Math.round(row.reltuples) });
    }
  }
  return out;
}

interface PooledClient extends Queryable {
  release(): void;
}

/**
 * Runs `fn` in a transaction of its own with short lock and statement timeouts (a `pg.Pool` is
 * asked for one client so the `SET LOCAL`s and the query share it); undefined when it timed out.
 * A plain Queryable without `connect` runs `fn` as is.
 */
async function bounded<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T | undefined> {
  const pool = db as Queryable & { connect?: () => Promise<PooledClient> };
  const client = typeof pool.connect === 'function' ? await pool.connect() : undefined;
  const q = client ?? db;
  try {
    if (client) {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${COUNT_LOCK_TIMEOUT_MS}`);
      await client.query(`SET LOCAL statement_timeout = ${COUNT_STATEMENT_TIMEOUT_MS}`);
    }
    const result = await fn(q);
    if (client) await client.query('COMMIT');
    return result;
  } catch (error) {
    if (client) await client.query('ROLLBACK').catch(() => {});
    // 55P03 lock_not_available, 57014 query_canceled (statement_timeout): not a failure of the run.
    const code = (error as { code?: string }).code;
    if (code === '55P03' || code === '57014') return undefined;
    throw error;
  } finally {
    client?.release();
  }
}

/** Sizes through `pg_relation_size`, which takes an ACCESS SHARE lock: bounded. Undefined on a lock. */
function sizesOf(db: Queryable, tables: readonly TableRef[]): Promise<SizeRow[] | undefined> {
  return bounded(db, async (q) => {
    const { rows } = await q.query<SizeRow & Record<string, unknown>>(TABLE_SIZES_SQL, [tables.map((t) => t.schema), tables.map((t) => t.name)]);
    return rows;
  });
}

/** `count(*)` of a table named by the catalog, quoted by the one quoting function; bounded. */
function countRows(db: Queryable, table: TableRef): Promise<number | undefined> {
  return bounded(db, async (q) => {
    const { rows } = await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(table.schema, table.name)}`);
    return Number(rows[0]?.n ?? 0);
  });
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}

/** `0 rows`, `1 row`, `~120000 rows (estimate)`, `not analyzed (90 MB; ANALYZE it for an estimate)`. */
export function describeRows(r: TableRows): string {
  switch (r.kind) {
    case 'exact':
      return `${r.rows} row${r.rows === 1 ? '' : 's'}`;
    case 'estimate':
      return `~${r.rows} rows (estimate)`;
    case 'not-analyzed':
      return `rows unknown: not analyzed (${size(r.bytes)}; ANALYZE it for an estimate)`;
    case 'locked':
      return 'rows unknown: the table is locked by another session';
  }
}
