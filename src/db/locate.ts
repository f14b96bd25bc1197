/**
 * Where do the names of a round live? One parameterised catalog query per kind of finding, for
 * the whole round. The names come from HTTP bodies and logs, so they reach PostgreSQL only as the
 * `$1::text[]` parameter, compared to `pg_class.relname`; nothing here builds SQL from them.
 */
import { groupBy } from '../util/group-by.js';
import { is, type CollectedFinding, type FindingKey, type MissingColumnFinding } from '../diagnose/types.js';
import { withTargetRows } from './column-rows.js';
import { isConstantDefault } from './constant-default.js';
import { locateObjects, type ObjectLocation } from './locate-objects.js';
import { relationKind, toCatalogRelation, type PgClassRow } from './relation-row.js';
import {
  type CatalogRelation,
  type ColumnInfo,
  type ColumnLocation,
  type QualifiedName,
  type Queryable,
  type RelationLocation,
  type SchemaScope,
} from './types.js';

/** What the catalog says about each finding of a round, by the finding's key: how the planner pairs them. */
export interface Locations {
  readonly relations: ReadonlyMap<FindingKey, RelationLocation>;
  readonly columns: ReadonlyMap<FindingKey, ColumnLocation>;
  /** Routines and types named by `missing-function` / `missing-type` findings. */
  readonly objects: ReadonlyMap<FindingKey, ObjectLocation>;
}

/**
 * The one catalog look-up of a round: every finding split by kind, at most one query per kind (and
 * one for the row counts of tables a column refusal may name), each answer filed under the key of
 * the finding it answers.
 */
export async function locateFindings(db: Queryable, findings: readonly CollectedFinding[], scope: SchemaScope): Promise<Locations> {
  const relationFindings = findings.filter((c) => is(c, 'missing-relation'));
  const columnFindings = findings.filter((c) => is(c, 'missing-column'));
  const objectFindings = findings.filter((c) => is(c, 'missing-function', 'missing-type'));
  const [relations, columns, objects] = await Promise.all([
    relationFindings.length > 0 ? locateRelations(db, { names: relationFindings.map((c) => c.finding.name), ...scope }) : [],
    columnFindings.length > 0
      ? locateColumns(db, { findings: columnFindings.map((c) => c.finding), ...scope }).then((located) => withTargetRows(db, located, scope.targetSchema))
      : [],
    objectFindings.length > 0 ? locateObjects(db, objectFindings.map((c) => c.finding)) : [],
  ]);
  // Relations are asked by name (`x` and `public.x` are one question, answered for every name
  // asked); columns and objects are answered one per finding, in order.
  const byName = new Map(relations.map((l) => [l.name, l]));
  return {
    relations: new Map(relationFindings.map((c) => [c.key, byName.get(c.finding.name)!])),
    columns: new Map(columnFindings.map((c, i) => [c.key, columns[i]!])),
    objects: new Map(objectFindings.map((c, i) => [c.key, objects[i]!])),
  };
}

export interface LocateRelationsInput extends SchemaScope {
  readonly names: readonly string[];
}

/**
 * Every relation of each wanted name, in any schema. Partitions of a partitioned table (same
 * schema) come along as JSON, as do the root of a partition and the owner of a sequence, so the
 * planner can explain what moves with what without asking again.
 */
export const LOCATE_RELATIONS_SQL = `SELECT w.name AS wanted,
       c.oid::bigint AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
       c.reltuples::float8 AS reltuples, c.relispartition AS is_partition,
       root_n.nspname AS root_schema, root.relname AS root_name,
       owner_n.nspname AS owner_schema, owner.relname AS owner_name,
       parts.partitions
FROM (SELECT DISTINCT u.name FROM unnest($1::text[]) AS u(name)) AS w
JOIN pg_catalog.pg_class c ON c.relname = w.name
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class root ON c.relispartition AND root.oid = pg_catalog.pg_partition_root(c.oid)
LEFT JOIN pg_catalog.pg_namespace root_n ON root_n.oid = root.relnamespace
LEFT JOIN pg_catalog.pg_depend owned ON c.relkind = 'S' AND owned.classid = 'pg_catalog.pg_class'::regclass
       AND owned.objid = c.oid AND owned.refclassid = 'pg_catalog.pg_class'::regclass AND owned.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class owner ON owner.oid = owned.refobjid
LEFT JOIN pg_catalog.pg_namespace owner_n ON owner_n.oid = owner.relnamespace
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('oid', pc.oid::bigint, 'name', pc.relname, 'relkind', pc.relkind::text,
                                    'reltuples', pc.reltuples::float8) ORDER BY pt.level, pc.relname COLLATE "C") AS partitions
  FROM pg_catalog.pg_partition_tree(c.oid) AS pt
  JOIN pg_catalog.pg_class pc ON pc.oid = pt.relid
  WHERE c.relkind = 'p' AND pt.relid <> c.oid AND pc.relnamespace = c.relnamespace
) AS parts ON true
ORDER BY w.name, n.nspname`;

interface RelationRow extends PgClassRow {
  wanted: string;
  root_schema: string | null;
  root_name: string | null;
  owner_schema: string | null;
  owner_name: string | null;
  partitions: Array<{ oid: number; name: string; relkind: string; reltuples: number }> | null;
}

export async function locateRelations(db: Queryable, input: LocateRelationsInput): Promise<RelationLocation[]> {
  const names = [...new Set(input.names)];
  if (names.length === 0) return [];
  // No relation can be named with a NUL byte, and PostgreSQL rejects one even as a parameter:
  // such a name is simply not in the catalog (the planner then reports it as not found).
  const askable = names.filter((n) => !n.includes('\u0000'));
  const { rows } = askable.length > 0 ? await db.query<RelationRow & Record<string, unknown>>(LOCATE_RELATIONS_SQL, [askable]) : { rows: [] };
  // Grouped once: a filter per name was quadratic in a body naming thousands of existing relations.
  const byWanted = groupBy(rows, (r) => r.wanted);
  return names.map((name) => {
    const found = (byWanted.get(name) ?? []).map(toLocatedRelation);
    return {
      name,
      inTarget: found.find((r) => r.schema === input.targetSchema) ?? null,
      inSources: found.filter((r) => r.schema !== input.targetSchema && input.sourceSchemas.includes(r.schema)),
      elsewhere: found.filter((r) => r.schema !== input.targetSchema && !input.sourceSchemas.includes(r.schema)),
    };
  });
}

function qualifiedName(schema: string | null, name: string | null): QualifiedName | undefined {
  return schema !== null && name !== null ? { schema, name } : undefined;
}

function toLocatedRelation(row: RelationRow): CatalogRelation {
  const relation = toCatalogRelation(row);
  const kind = relation.kind;
  return {
    ...relation,
    ...(row.is_partition ? { partitionOf: qualifiedName(row.root_schema, row.root_name) } : {}),
    ...(kind === 'sequence' && row.owner_name !== null ? { ownedBy: qualifiedName(row.owner_schema, row.owner_name) } : {}),
    ...(kind === 'partitioned-table'
      ? {
          partitions: (row.partitions ?? []).map((p) => ({
            oid: Number(p.oid),
            schema: row.schema,
            name: p.name,
            kind: relationKind(p.relkind),
            rowEstimate: p.reltuples,
            isPartition: true,
            partitionOf: { schema: row.schema, name: row.name },
          })),
        }
      : {}),
  };
}

export interface LocateColumnsInput extends SchemaScope {
  readonly findings: readonly MissingColumnFinding[];
}

/**
 * For each finding (one row of `unnest($1, $2)`): when its table names a table of the target or a
 * source schema, every copy of that table with the column's definition (or NULLs when the copy
 * lacks it); otherwise (no table, or an alias such as `u` in `u.left_at`) every table whose
 * source copy has the column, with its target copy, so the caller can see which target tables lack it.
 */
export const LOCATE_COLUMNS_SQL = `WITH f AS (
  SELECT u.ord, u.col, u.tbl FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(col, tbl, ord)
), tables AS (
  SELECT c.oid, n.nspname, c.relname
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND (n.nspname = $3 OR n.nspname = ANY($4::text[]))
), m AS (
  SELECT f.*, EXISTS (SELECT 1 FROM tables t WHERE t.relname = f.tbl) AS named FROM f
)
SELECT m.ord::int AS ord, m.named, t.nspname AS schema, t.relname AS table_name,
       a.attname IS NOT NULL AS has_column, a.attname AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       a.attgenerated::text AS generated, a.attidentity::text AS identity,
       -- What the column's definition relies on that lives in a source schema: its type (an array's
       -- element type, a domain's base type), its collation, and whatever its default calls or reads.
       ARRAY(
         SELECT DISTINCT o.type || ' ' || o.identity
         FROM (
           SELECT 'pg_catalog.pg_type'::regclass AS classid, a.atttypid AS objid
           UNION ALL SELECT 'pg_catalog.pg_type'::regclass, ty.typelem FROM pg_catalog.pg_type ty WHERE ty.oid = a.atttypid AND ty.typelem <> 0
           UNION ALL SELECT 'pg_catalog.pg_type'::regclass, ty.typbasetype FROM pg_catalog.pg_type ty WHERE ty.oid = a.atttypid AND ty.typbasetype <> 0
           UNION ALL SELECT 'pg_catalog.pg_collation'::regclass, a.attcollation WHERE a.attcollation <> 0
           UNION ALL SELECT dep.refclassid, dep.refobjid FROM pg_catalog.pg_depend dep
             WHERE dep.classid = 'pg_catalog.pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refobjid <> t.oid
         ) r CROSS JOIN LATERAL pg_catalog.pg_identify_object(r.classid, r.objid, 0) o
         WHERE a.attname IS NOT NULL AND o.schema = ANY($4::text[])
         ORDER BY 1
       ) AS source_objects
FROM m
JOIN tables t ON (m.named AND t.relname = m.tbl)
  OR (NOT m.named AND t.relname IN (
        SELECT s.relname FROM tables s
        JOIN pg_catalog.pg_attribute sa ON sa.attrelid = s.oid AND sa.attname = m.col AND sa.attnum > 0 AND NOT sa.attisdropped
        WHERE s.nspname = ANY($4::text[])))
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attname = m.col AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
ORDER BY m.ord, t.relname, t.nspname`;

interface ColumnRow {
  ord: number;
  named: boolean;
  schema: string;
  table_name: string;
  has_column: boolean;
  column_name: string | null;
  type: string | null;
  not_null: boolean | null;
  default_expr: string | null;
  generated: string | null;
  identity: string | null;
  source_objects: string[] | null;
}

/** One location per finding, in the order of `input.findings`. */
export async function locateColumns(db: Queryable, input: LocateColumnsInput): Promise<ColumnLocation[]> {
  if (input.findings.length === 0) return [];
  const { rows } = await db.query<ColumnRow & Record<string, unknown>>(LOCATE_COLUMNS_SQL, [
    input.findings.map((f) => f.column),
    input.findings.map((f) => f.table ?? null),
    input.targetSchema,
    [...input.sourceSchemas],
  ]);
  // `ord` is the finding's place (from 1): rows grouped once, not filtered per finding.
  const byOrd = groupBy(rows, (r) => r.ord);
  return input.findings.map((finding, i) => resolveColumn({ finding, rows: byOrd.get(i + 1) ?? [], ...input }));
}

function resolveColumn(input: {
  finding: MissingColumnFinding;
  rows: readonly ColumnRow[];
  targetSchema: string;
  sourceSchemas: readonly string[];
}): ColumnLocation {
  const { finding, rows, targetSchema } = input;
  const base = { column: finding.column };
  const copiesWithColumn = (table: string) =>
    rows
      .filter((r) => r.table_name === table && r.schema !== targetSchema && r.has_column)
      .map((r) => ({ schema: r.schema, column: toColumnInfo(r) }));

  if (rows[0]?.named) {
    const table = finding.table as string;
    const target = rows.find((r) => r.table_name === table && r.schema === targetSchema);
    return {
      ...base,
      table,
      candidates: [],
      presentInTarget: target?.has_column ?? false,
      targetTableExists: target !== undefined,
      sourceCopies: copiesWithColumn(table),
    };
  }
  // No usable table name: the target tables that lack the column while a source copy has it.
  const tables = [...new Set(rows.map((r) => r.table_name))];
  const candidates = tables.filter((table) => {
    const target = rows.find((r) => r.table_name === table && r.schema === targetSchema);
    return target !== undefined && !target.has_column;
  });
  const only = candidates.length === 1 ? (candidates[0] as string) : null;
  return {
    ...base,
    table: only,
    candidates,
    presentInTarget: false,
    targetTableExists: only !== null,
    sourceCopies: only !== null ? copiesWithColumn(only) : [],
  };
}

function toColumnInfo(row: ColumnRow): ColumnInfo {
  const generated = row.generated !== null && row.generated !== '';
  const identity = row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : undefined;
  return {
    name: row.column_name as string,
    type: row.type as string,
    notNull: row.not_null === true,
    default: row.default_expr,
    // A generation expression is evaluated per row, never a constant default.
    defaultIsConstant: !generated && isConstantDefault(row.default_expr),
    ...(generated ? { generated: true } : {}),
    ...(identity ? { identity } : {}),
    ...(row.source_objects && row.source_objects.length > 0 ? { sourceSchemaObjects: row.source_objects } : {}),
  };
}
