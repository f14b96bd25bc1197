/**
 * What the database holds in the target and source schemas, in the shape the expectation is
 * compared with: relations, their columns, index names, constraint names and FK targets.
 *
 * One parameterised query. Each relation's columns, indexes and constraints come from correlated
 * sub-selects on the catalogs' own (attrelid / indrelid / conrelid) indexes, so the cost grows with
 * the number of objects in these schemas, never with their rows or with the rest of the database.
 */
import { toCatalogRelation, type PgClassRow } from '../db/relation-row.js';
import type { CatalogRelation, Queryable, SchemaScope } from '../db/types.js';
import type { ExpectedConstraintType } from './types.js';

export interface SnapshotColumn {
  readonly name: string;
  /** `format_type(atttypid, atttypmod)`: the same spelling the expected schema uses. */
  readonly type: string;
  readonly notNull: boolean;
  readonly default: string | null;
}

export interface SnapshotConstraint {
  readonly name: string;
  readonly type: ExpectedConstraintType;
  /** Foreign keys: the referenced table, as the catalog names it (schema included). */
  readonly references?: { readonly schema: string; readonly name: string } | undefined;
}

/** A relation as `toCatalogRelation` reads it from pg_class, with what the expectation is compared with. */
export interface SnapshotRelation extends Pick<CatalogRelation, 'oid' | 'schema' | 'name' | 'kind' | 'rowEstimate' | 'isPartition'> {
  /** For a sequence owned by a column: the owning table's name (it moves with that table). */
  readonly ownedBy: string | null;
  readonly columns: readonly SnapshotColumn[];
  readonly indexes: readonly string[];
  readonly constraints: readonly SnapshotConstraint[];
}

export interface CatalogSnapshot extends SchemaScope {
  readonly relations: readonly SnapshotRelation[];
}

const CONTYPE: Readonly<Record<string, ExpectedConstraintType>> = {
  p: 'primary-key',
  f: 'foreign-key',
  u: 'unique',
  c: 'check',
  x: 'exclusion',
};

/** $1: target schema, $2: source schemas, $3: relation names to keep (null: every relation). */
export const SNAPSHOT_SQL = `SELECT c.oid::bigint AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
       c.reltuples::float8 AS reltuples, c.relispartition AS is_partition,
       (SELECT o.relname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class o ON o.oid = d.refobjid
         WHERE c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) AS owned_by,
       COALESCE((SELECT json_agg(json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                   'notNull', a.attnotnull, 'default', pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)) ORDER BY a.attnum)
                 FROM pg_catalog.pg_attribute a
                 LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind <> 'S'), '[]') AS columns,
       COALESCE((SELECT json_agg(ic.relname ORDER BY ic.relname)
                 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                 WHERE i.indrelid = c.oid), '[]') AS indexes,
       COALESCE((SELECT json_agg(json_build_object('name', k.conname, 'contype', k.contype,
                   'refSchema', rn.nspname, 'refName', r.relname) ORDER BY k.conname)
                 FROM pg_catalog.pg_constraint k
                 LEFT JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
                 LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
                 WHERE k.conrelid = c.oid AND k.conrelid <> 0), '[]') AS constraints
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname = $1 OR n.nspname = ANY($2::text[])) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND ($3::text[] IS NULL OR c.relname = ANY($3::text[]))
ORDER BY n.nspname, c.relname`;

interface SnapshotRow extends PgClassRow {
  owned_by: string | null;
  columns: SnapshotColumn[];
  indexes: string[];
  constraints: Array<{ name: string; contype: string; refSchema: string | null; refName: string | null }>;
}

export async function snapshotCatalog(
  db: Queryable,
  input: SchemaScope & { readonly only?: readonly string[] | undefined },
): Promise<CatalogSnapshot> {
  const only = input.only ? [...input.only] : null;
  const { rows } = await db.query<SnapshotRow & Record<string, unknown>>(SNAPSHOT_SQL, [input.targetSchema, [...input.sourceSchemas], only]);
  return { targetSchema: input.targetSchema, sourceSchemas: input.sourceSchemas, relations: rows.map(toRelation) };
}

function toRelation(row: SnapshotRow): SnapshotRelation {
  return {
    ...toCatalogRelation(row),
    ownedBy: row.owned_by,
    columns: row.columns,
    indexes: row.indexes,
    constraints: row.constraints.flatMap((k) => {
      const type = CONTYPE[k.contype];
      // NOT NULL constraints (contype 'n', PostgreSQL 18) are the columns' nullability, compared there.
      if (!type) return [];
      return [
        type === 'foreign-key' && k.refSchema !== null && k.refName !== null
          ? { name: k.name, type, references: { schema: k.refSchema, name: k.refName } }
          : { name: k.name, type },
      ];
    }),
  };
}
