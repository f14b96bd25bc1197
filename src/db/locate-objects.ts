/**
 * Where do the routines and types of a round live? One parameterised catalog query per kind, for
 * the whole round, like `locate.ts`. Names from HTTP text reach PostgreSQL only as the `$1::text[]`
 * parameter, compared to `pg_proc.proname` / `pg_type.typname`; everything the planner builds DDL
 * from (schema, name, `pg_get_function_identity_arguments`, the owning extension) comes back from
 * the catalog.
 */
import type { ObjectFinding } from '../diagnose/types.js';
import type { Queryable } from './types.js';
import { groupBy } from '../util/group-by.js';

/** The extension an object belongs to (`pg_depend.deptype = 'e'`): it moves only with it. */
export interface OwningExtension {
  readonly name: string;
  readonly schema: string;
  /** `pg_extension.extrelocatable`: `ALTER EXTENSION … SET SCHEMA` is allowed. */
  readonly relocatable: boolean;
}

export type RoutineKind = 'function' | 'procedure' | 'aggregate' | 'window';
export type TypeKind = 'base' | 'composite' | 'domain' | 'enum' | 'pseudo' | 'range' | 'multirange';

export interface CatalogRoutine {
  readonly type: 'routine';
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly kind: RoutineKind;
  /** `pg_get_function_identity_arguments`: what ALTER FUNCTION/AGGREGATE needs (names and modes kept). */
  readonly identityArgs: string;
  /** `oidvectortypes(proargtypes)`: the input types as the error message prints them (`integer, text`). */
  readonly argTypes: string;
  readonly extension: OwningExtension | null;
}

export interface CatalogType {
  readonly type: 'type';
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly kind: TypeKind;
  readonly extension: OwningExtension | null;
}

export type CatalogObject = CatalogRoutine | CatalogType;

/** Every object of the finding's name, in every schema (the planner sorts target/source/elsewhere). */
export interface ObjectLocation {
  readonly found: readonly CatalogObject[];
}

const EXTENSION_COLUMNS = `ext.extname AS ext_name, ext_n.nspname AS ext_schema, ext.extrelocatable AS ext_relocatable`;
const EXTENSION_JOIN = (classid: string, oid: string) => `LEFT JOIN pg_catalog.pg_depend d ON d.classid = '${classid}'::regclass AND d.objid = ${oid}
       AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
LEFT JOIN pg_catalog.pg_extension ext ON ext.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace ext_n ON ext_n.oid = ext.extnamespace`;

export const LOCATE_ROUTINES_SQL = `SELECT p.oid::bigint AS oid, n.nspname AS schema, p.proname AS name, p.prokind::text AS prokind,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_args,
       pg_catalog.oidvectortypes(p.proargtypes) AS arg_types,
       ${EXTENSION_COLUMNS}
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
${EXTENSION_JOIN('pg_catalog.pg_proc', 'p.oid')}
WHERE p.proname = ANY ($1::text[])
ORDER BY p.proname, n.nspname, p.oid`;

// Row types of tables and views move with their relation (locate.ts), and array types with their
// element type: neither is looked up here.
export const LOCATE_TYPES_SQL = `SELECT t.oid::bigint AS oid, n.nspname AS schema, t.typname AS name, t.typtype::text AS typtype,
       ${EXTENSION_COLUMNS}
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
${EXTENSION_JOIN('pg_catalog.pg_type', 't.oid')}
WHERE t.typname = ANY ($1::text[])
  AND (t.typrelid = 0 OR c.relkind = 'c')
  AND NOT (t.typcategory = 'A' AND t.typelem <> 0)
ORDER BY t.typname, n.nspname, t.oid`;

const PROKIND: Readonly<Record<string, RoutineKind>> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const TYPTYPE: Readonly<Record<string, TypeKind>> = { b: 'base', c: 'composite', d: 'domain', e: 'enum', p: 'pseudo', r: 'range', m: 'multirange' };

type ExtensionColumns = {
  ext_name: string | null;
  ext_schema: string | null;
  ext_relocatable: boolean | null;
};

function extensionOf(row: ExtensionColumns): OwningExtension | null {
  return row.ext_name !== null && row.ext_schema !== null ? { name: row.ext_name, schema: row.ext_schema, relocatable: row.ext_relocatable === true } : null;
}

/**
 * One query for every routine finding and one for every type finding of the round (none when there
 * are none). One location per finding, in the order of `findings`.
 */
export async function locateObjects(db: Queryable, findings: readonly ObjectFinding[]): Promise<ObjectLocation[]> {
  // A NUL byte cannot be in a catalog name, and PostgreSQL refuses it even as a parameter.
  const names = (kind: ObjectFinding['kind']) => [...new Set(findings.filter((f) => f.kind === kind && !f.name.includes('\u0000')).map((f) => f.name))];
  const routineNames = names('missing-function');
  const typeNames = names('missing-type');
  const [routines, types] = await Promise.all([
    routineNames.length > 0
      ? db.query<{ oid: string; schema: string; name: string; prokind: string; identity_args: string; arg_types: string } & ExtensionColumns>(LOCATE_ROUTINES_SQL, [routineNames])
      : { rows: [] },
    typeNames.length > 0 ? db.query<{ oid: string; schema: string; name: string; typtype: string } & ExtensionColumns>(LOCATE_TYPES_SQL, [typeNames]) : { rows: [] },
  ]);
  const catalogRoutines: CatalogRoutine[] = routines.rows.map((r) => ({
    type: 'routine',
    oid: Number(r.oid),
    schema: r.schema,
    name: r.name,
    kind: PROKIND[r.prokind] ?? 'function',
    identityArgs: r.identity_args,
    argTypes: r.arg_types,
    extension: extensionOf(r),
  }));
  const catalogTypes: CatalogType[] = types.rows.map((r) => ({
    type: 'type',
    oid: Number(r.oid),
    schema: r.schema,
    name: r.name,
    kind: TYPTYPE[r.typtype] ?? 'base',
    extension: extensionOf(r),
  }));
  // Grouped by name once, so answering n findings costs O(n + rows), not O(n × rows).
  const routinesByName = groupBy(catalogRoutines, (o) => o.name);
  const typesByName = groupBy(catalogTypes, (o) => o.name);
  return findings.map((f) => ({
    found: (f.kind === 'missing-function' ? routinesByName.get(f.name) : typesByName.get(f.name)) ?? [],
  }));
}
