/**
 * Cheap verification of a move. `SET SCHEMA` changes one catalog row and rewrites no data, so the
 * proof that nothing was lost is that the relation kept its OID and its files (relfilenode): the
 * rows are the same bytes. `count(*)` reads the whole table — on a 4M-row table longer than
 * `statement_timeout`, under the move's ACCESS EXCLUSIVE lock — so it runs only on small tables
 * or when `repair.verifyRowCounts` asks for it.
 */
import { qualified } from '../db/quote.js';
import type { QualifiedName, Queryable } from '../db/types.js';

/** Heap size below which counting rows costs a few milliseconds: counted by default. */
export const COUNT_ROWS_BELOW_BYTES = 32 * 1024 * 1024;

export interface StorageState {
  readonly oid: number;
  readonly relfilenode: number;
  /** OID:relfilenode of every relation in the tree (a partitioned table's partitions too). */
  readonly files: string;
  readonly rowEstimate: number | null;
  readonly bytes: number;
}

/** One catalog query, no table scan. The name is a catalog name, passed as a parameter. */
const STORAGE_SQL = `WITH tree AS (
  -- pg_partition_tree is empty for a table that is not partitioned: the relation itself, always.
  SELECT to_regclass($1) AS relid
  UNION
  SELECT t.relid FROM pg_catalog.pg_partition_tree(to_regclass($1)) t
)
SELECT c.oid::int8 AS oid, c.relfilenode::int8 AS relfilenode,
       (SELECT string_agg(p.oid || ':' || p.relfilenode, ',' ORDER BY p.oid) FROM pg_catalog.pg_class p WHERE p.oid IN (SELECT relid FROM tree)) AS files,
       (SELECT sum(p.reltuples) FILTER (WHERE p.reltuples >= 0)::float8 FROM pg_catalog.pg_class p WHERE p.oid IN (SELECT relid FROM tree) AND p.relkind IN ('r', 'm')) AS estimate,
       (SELECT coalesce(sum(pg_catalog.pg_relation_size(relid)), 0)::int8 FROM tree) AS bytes
FROM pg_catalog.pg_class c WHERE c.oid = to_regclass($1)`;

export async function storageOf(db: Queryable, relation: QualifiedName): Promise<StorageState | null> {
  const { rows } = await db.query<{ oid: string; relfilenode: string; files: string | null; estimate: number | null; bytes: string }>(STORAGE_SQL, [
    qualified(relation.schema, relation.name),
  ]);
  const row = rows[0];
  if (!row) return null;
  return {
    oid: Number(row.oid),
    relfilenode: Number(row.relfilenode),
    files: row.files ?? '',
    rowEstimate: row.estimate === null ? null : Math.round(row.estimate),
    bytes: Number(row.bytes),
  };
}

export function shouldCountRows(state: StorageState | null, verifyRowCounts: boolean, belowBytes = COUNT_ROWS_BELOW_BYTES): boolean {
  return verifyRowCounts || state === null || state.bytes < belowBytes;
}
