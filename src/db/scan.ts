/**
 * `smoke-fix scan`: the whole drift at once, without HTTP. Two catalog queries (relations of the
 * target and source schemas; columns of the tables present in both), then a pure comparison.
 */
import { isMovableKind, moveSql } from './set-schema.js';
import { isConstantDefault } from './constant-default.js';
import { toCatalogRelation, type PgClassRow } from './relation-row.js';
import {
  type ColumnDifference,
  type ColumnInfo,
  type DriftScan,
  type DuplicatedName,
  type MisplacedRelation,
  type Queryable,
  type SchemaScope,
} from './types.js';

/** Relations an app can query by name, in the target and the source schemas. */
export const SCAN_RELATIONS_SQL = `SELECT c.oid::bigint AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
       c.reltuples::float8 AS reltuples, c.relispartition AS is_partition,
       EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
               WHERE c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                 AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')) AS owned,
       CASE WHEN c.relispartition THEN pg_catalog.pg_partition_root(c.oid)::oid::bigint END AS root_oid,
       CASE WHEN c.relispartition THEN (SELECT count(*)::int FROM pg_catalog.pg_partition_ancestors(c.oid)) - 1 END AS level
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname = $1 OR n.nspname = ANY($2::text[])) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
ORDER BY n.nspname, c.relname`;

/** Columns of the tables whose name exists in the target and in a source schema. */
export const SCAN_COLUMNS_SQL = `WITH t AS (
  SELECT c.oid, n.nspname, c.relname
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND (n.nspname = $1 OR n.nspname = ANY($2::text[]))
), both_sides AS (
  SELECT relname FROM t GROUP BY relname
  HAVING bool_or(nspname = $1) AND bool_or(nspname <> $1)
)
SELECT t.nspname AS schema, t.relname AS table_name, a.attname AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr
FROM t
JOIN both_sides USING (relname)
JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
ORDER BY t.relname, t.nspname, a.attnum`;

export interface ScanRelationRow extends PgClassRow {
  owned: boolean;
  /** For a partition: the oid of the root of its tree. */
  root_oid: string | null;
  /** For a partition: its depth below the root (1 for a direct partition). */
  level: number | null;
}

export interface ScanColumnRow {
  schema: string;
  table_name: string;
  column_name: string;
  type: string;
  not_null: boolean;
  default_expr: string | null;
}

export async function scanDrift(db: Queryable, input: SchemaScope): Promise<DriftScan> {
  const params = [input.targetSchema, [...input.sourceSchemas]];
  const relations = await db.query<ScanRelationRow & Record<string, unknown>>(SCAN_RELATIONS_SQL, params);
  const columns = await db.query<ScanColumnRow & Record<string, unknown>>(SCAN_COLUMNS_SQL, params);
  return compareSchemas({ ...input, relations: relations.rows, columns: columns.rows });
}

/** Pure: the catalog rows → the drift report. */
export function compareSchemas(input: SchemaScope & { readonly relations: readonly ScanRelationRow[]; readonly columns: readonly ScanColumnRow[] }): DriftScan {
  const target = input.targetSchema;
  const all = input.relations.map((row) => ({ row, relation: toCatalogRelation(row) }));
  const inTarget = new Map(all.filter((r) => r.relation.schema === target).map((r) => [r.relation.name, r.relation]));
  const sources = all.filter((r) => r.relation.schema !== target);

  const missingFromTarget: MisplacedRelation[] = [];
  const inBoth: DuplicatedName[] = [];
  for (const { row, relation } of sources) {
    const there = inTarget.get(relation.name);
    if (there) {
      inBoth.push({ name: relation.name, target: there, source: relation });
      continue;
    }
    // Partitions and owned sequences are not moved on their own: they go with their table.
    if (relation.isPartition || row.owned) continue;
    const alsoIn = sources
      .filter((o) => o.relation.name === relation.name && o.relation.schema !== relation.schema)
      .map((o) => o.relation.schema);
    // Same order as locate's: by depth, then name, so scan prints exactly what run would execute.
    const partitions = sources
      .filter((o) => o.row.root_oid !== null && Number(o.row.root_oid) === relation.oid && o.relation.schema === relation.schema)
      .sort((a, b) => (a.row.level ?? 0) - (b.row.level ?? 0) || (a.relation.name < b.relation.name ? -1 : a.relation.name > b.relation.name ? 1 : 0))
      .map((o) => o.relation.name);
    missingFromTarget.push({
      relation,
      alsoIn,
      moveSql:
        alsoIn.length === 0 && isMovableKind(relation.kind)
          ? moveSql({ kind: relation.kind, name: relation.name, fromSchema: relation.schema, toSchema: target, partitions })
          : null,
    });
  }
  return {
    targetSchema: target,
    sourceSchemas: input.sourceSchemas,
    missingFromTarget,
    inBoth,
    columnDifferences: columnDifferences(input),
  };
}

function toColumn(row: ScanColumnRow): ColumnInfo {
  return {
    name: row.column_name,
    type: row.type,
    notNull: row.not_null,
    default: row.default_expr,
    defaultIsConstant: isConstantDefault(row.default_expr),
  };
}

function columnDifferences(input: SchemaScope & { readonly columns: readonly ScanColumnRow[] }): ColumnDifference[] {
  const byTable = new Map<string, Map<string, ScanColumnRow[]>>();
  for (const row of input.columns) {
    const schemas = byTable.get(row.table_name) ?? new Map<string, ScanColumnRow[]>();
    byTable.set(row.table_name, schemas);
    schemas.set(row.schema, [...(schemas.get(row.schema) ?? []), row]);
  }
  const out: ColumnDifference[] = [];
  for (const [table, schemas] of byTable) {
    const targetColumns = schemas.get(input.targetSchema) ?? [];
    for (const [schema, sourceColumns] of schemas) {
      if (schema === input.targetSchema) continue;
      const names = (rows: readonly ScanColumnRow[]) => new Set(rows.map((r) => r.column_name));
      const inSource = names(sourceColumns);
      const inTarget = names(targetColumns);
      const onlyInTarget = targetColumns.filter((c) => !inSource.has(c.column_name)).map(toColumn);
      const onlyInSource = sourceColumns.filter((c) => !inTarget.has(c.column_name)).map(toColumn);
      if (onlyInTarget.length > 0 || onlyInSource.length > 0) out.push({ table, sourceSchema: schema, onlyInTarget, onlyInSource });
    }
  }
  return out;
}
