/**
 * A `pg_class` row's common columns → the relation they describe. The look-up of a round, `scan`
 * and the history's catalog snapshot each select these columns and add their own beside them.
 */
import { RELKIND, type CatalogRelation, type RelationKind } from './types.js';

export interface PgClassRow {
  readonly oid: string;
  readonly schema: string;
  readonly name: string;
  readonly relkind: string;
  readonly reltuples: number;
  readonly is_partition: boolean;
}

export function relationKind(relkind: string): RelationKind {
  const kind = RELKIND[relkind];
  if (!kind) throw new Error(`unknown pg_class.relkind ${JSON.stringify(relkind)}`);
  return kind;
}

export function toCatalogRelation(row: PgClassRow): CatalogRelation {
  return {
    oid: Number(row.oid),
    schema: row.schema,
    name: row.name,
    kind: relationKind(row.relkind),
    rowEstimate: row.reltuples,
    isPartition: row.is_partition,
  };
}
