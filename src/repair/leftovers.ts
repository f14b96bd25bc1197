/**
 * What a move leaves behind in the source schema. Nothing here breaks (PostgreSQL links these by
 * OID, not by name), but a person should know: a view the app queries by name still lives in the
 * old schema, a trigger function or a type the table uses did not move with it. One catalog query
 * per moved relation; each row becomes one sentence with the statement that would finish the job.
 * Contract with the reporters: that statement ends the sentence, after `: `, and ends with `;`.
 */
import { qualified, quoteIdent } from '../db/quote.js';
import type { QualifiedName, Queryable } from '../db/types.js';
import { moveSql } from '../db/set-schema.js';
import { moveFunctionSql, moveTypeSql } from './sql.js';

/**
 * $1: the moved relation as a `"schema"."name"` literal (catalog names); $2: target schema;
 * $3: source schema. `rels` is the moved relation plus its partitions.
 */
export const LEFTOVERS_SQL = `WITH moved AS (SELECT to_regclass($1) AS rel),
rels AS (
  SELECT rel::oid AS oid FROM moved
  UNION SELECT pt.relid::oid FROM moved, pg_catalog.pg_partition_tree(moved.rel) AS pt
)
SELECT 'view' AS what, vn.nspname AS schema, v.relname AS name, v.relkind::text AS relkind, NULL::text AS args, NULL::text AS via
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
  AND d.refobjid IN (SELECT oid FROM rels) AND v.oid NOT IN (SELECT oid FROM rels) AND vn.nspname <> $2
UNION
SELECT 'trigger-function', pn.nspname, p.proname, NULL, pg_catalog.pg_get_function_identity_arguments(p.oid), t.tgname
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
WHERE t.tgrelid IN (SELECT oid FROM rels) AND NOT t.tgisinternal AND pn.nspname = $3
UNION
SELECT 'type', tn.nspname, ty.typname, NULL, NULL, a.attname
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type arr ON arr.oid = a.atttypid
JOIN pg_catalog.pg_type ty ON ty.oid = CASE WHEN arr.typcategory = 'A' THEN arr.typelem ELSE arr.oid END
JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace
WHERE a.attrelid = (SELECT rel FROM moved) AND a.attnum > 0 AND NOT a.attisdropped AND tn.nspname = $3
UNION
SELECT 'sequence', sn.nspname, s.relname, NULL, NULL, a.attname
FROM pg_catalog.pg_attrdef ad
JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = ad.oid
  AND d.refclassid = 'pg_catalog.pg_class'::regclass
JOIN pg_catalog.pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
WHERE ad.adrelid = (SELECT rel FROM moved) AND sn.nspname = $3
ORDER BY 1, 2, 3, 6`;

export interface LeftoverRow {
  what: 'view' | 'trigger-function' | 'type' | 'sequence';
  schema: string;
  name: string;
  relkind: string | null;
  args: string | null;
  via: string | null;
}

export async function findLeftovers(
  db: Queryable,
  input: { readonly moved: QualifiedName; readonly sourceSchema: string },
): Promise<string[]> {
  const { rows } = await db.query<LeftoverRow & Record<string, unknown>>(LEFTOVERS_SQL, [
    qualified(input.moved.schema, input.moved.name),
    input.moved.schema,
    input.sourceSchema,
  ]);
  return rows.map((row) => leftoverWarning({ row, moved: input.moved }));
}

/** One sentence per leftover: what stayed behind, that it still works, and the statement to move it. */
export function leftoverWarning(input: { readonly row: LeftoverRow; readonly moved: QualifiedName }): string {
  const { row, moved } = input;
  const table = qualified(moved.schema, moved.name);
  const here = qualified(row.schema, row.name);
  const target = moved.schema;
  switch (row.what) {
    case 'view': {
      const kind = row.relkind === 'm' ? 'materialized-view' : 'view';
      const label = kind === 'view' ? 'View' : 'Materialized view';
      return (
        `${label} ${here} depends on ${table} and still works (it follows the table by OID), but it stays in ${quoteIdent(row.schema)}; ` +
        `if the app queries it by name, move it too: ${moveSql({ kind, name: row.name, fromSchema: row.schema, toSchema: target })}`
      );
    }
    case 'trigger-function':
      return (
        `Trigger ${quoteIdent(row.via ?? '')} on ${table} calls ${here}(${row.args ?? ''}), which stays in ${quoteIdent(row.schema)}; ` +
        `it keeps working, but if the function belongs with the table, move it: ${moveFunctionSql({ schema: row.schema, name: row.name, args: row.args ?? '', toSchema: target })}`
      );
    case 'type':
      return (
        `Column ${quoteIdent(row.via ?? '')} of ${table} uses type ${here}, which stays in ${quoteIdent(row.schema)}; ` +
        `it keeps working, but if the type belongs with the table, move it: ${moveTypeSql({ schema: row.schema, name: row.name, toSchema: target })}`
      );
    case 'sequence':
      return (
        `The default of column ${quoteIdent(row.via ?? '')} of ${table} uses sequence ${here}, which the table does not own and which stays in ${quoteIdent(row.schema)}; ` +
        `it keeps working, but if it belongs with the table, move it: ${moveSql({ kind: 'sequence', name: row.name, fromSchema: row.schema, toSchema: target })}`
      );
  }
}
