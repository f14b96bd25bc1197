/**
 * How many rows a table holds, as truthfully as is cheap. `reltuples` is only an estimate, and it
 * is -1 (PostgreSQL 14+) or 0 with pages (older) for a table never vacuumed or analyzed — as every
 * table freshly filled by a migration is. So a small table is counted exactly (its size is below
 * EXACT_COUNT_MAX_BYTES, so `count(*)` reads a few pages), a large analyzed one is an estimate, and
 * a large one never analyzed says so instead of showing `~0 rows`.
 */
import { qualified } from './quote.js';
import type { Queryable } from './types.js';

/** 8 MiB: 1024 pages, a `count(*)` of a few milliseconds. */
export const EXACT_COUNT_MAX_BYTES = 8 * 1024 * 1024;

export type TableRows =
  | { readonly kind: 'exact'; readonly rows: number }
  | { readonly kind: 'estimate'; readonly rows: number }
  | { readonly kind: 'not-analyzed'; readonly bytes: number };

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
  const { rows } = await db.query<SizeRow & Record<string, unknown>>(TABLE_SIZES_SQL, [tables.map((t) => t.schema), tables.map((t) => t.name)]);
  for (const row of rows) {
    // A partitioned table has no storage of its own (size 0): never count it blindly.
    if (row.relkind !== 'p' && row.bytes <= EXACT_COUNT_MAX_BYTES) {
      const counted = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(row.schema, row.name)}`);
      out.set(tableKey(row), { kind: 'exact', rows: Number(counted.rows[0]?.n ?? 0) });
    } else if (row.reltuples < 0 || (row.reltuples === 0 && row.relpages > 0)) {
      out.set(tableKey(row), { kind: 'not-analyzed', bytes: row.bytes });
    } else {
      out.set(tableKey(row), { kind: 'estimate', rows: Math.round(row.reltuples) });
    }
  }
  return out;
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
  }
}
