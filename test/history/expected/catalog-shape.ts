/**
 * The target schema as the catalog holds it, and the model brought to the same shape, so a test
 * compares the two as plain data: relation kinds, columns (format_type, NOT NULL, whether there
 * is a default, serial defaults exactly), index names, constraint names/types/FK targets, owners
 * of sequences.
 */
import type pg from 'pg';
import type { ExpectedSchema, MigrationHistory } from '../../../src/history/types.js';

export interface RelationShape {
  kind: string;
  columns?: Array<{ name: string; type: string; notNull: boolean; default: string | null }>;
  indexes: string[];
  constraints: string[];
  ownedBy?: string;
}

/**
 * Defaults other than nextval(…) are printed by the server in its own normal form
 * (`'x'::text`) and by the model as written: the shape says only that there is one.
 */
function defaultShape(text: string | null): string | null {
  if (text === null) return null;
  return text.startsWith('nextval(') ? text : '(a default)';
}

function constraintShape(name: string, type: string, references?: { schema: string; name: string }): string {
  return references ? `${name} ${type} -> ${references.schema}.${references.name}` : `${name} ${type}`;
}

export function modelShape(schema: ExpectedSchema): Record<string, RelationShape> {
  const out: Record<string, RelationShape> = {};
  for (const [name, r] of schema.relations) {
    out[name] = {
      kind: r.kind,
      ...(r.kind === 'table' || r.kind === 'partitioned-table'
        ? { columns: r.columns.map((c) => ({ name: c.name, type: c.type, notNull: c.notNull, default: defaultShape(c.default) })) }
        : {}),
      indexes: [...r.indexes].sort(),
      constraints: r.constraints.map((c) => constraintShape(c.name, c.type, c.references)).sort(),
      ...(r.ownedBy ? { ownedBy: r.ownedBy } : {}),
    };
  }
  return out;
}

const KINDS: Record<string, string> = { r: 'table', p: 'partitioned-table', v: 'view', m: 'materialized-view', S: 'sequence' };
const CONSTRAINT_TYPES: Record<string, string> = { p: 'primary-key', f: 'foreign-key', u: 'unique', c: 'check', x: 'exclusion' };

/** Reads the schema back from pg_catalog; `client` must have `schema` first on its search_path. */
export async function catalogShape(client: pg.Client, schema: string): Promise<Record<string, RelationShape>> {
  const out: Record<string, RelationShape> = {};
  const relations = await client.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','S') ORDER BY 1`,
    [schema],
  );
  for (const r of relations.rows) {
    out[r.name] = { kind: KINDS[r.kind]!, ...(r.kind === 'r' || r.kind === 'p' ? { columns: [] } : {}), indexes: [], constraints: [] };
  }
  const columns = await client.query<{ rel: string; name: string; type: string; notnull: boolean; def: string | null }>(
    `SELECT c.relname AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r','p') ORDER BY c.relname, a.attnum`,
    [schema],
  );
  for (const c of columns.rows) out[c.rel]!.columns!.push({ name: c.name, type: c.type, notNull: c.notnull, default: defaultShape(c.def) });
  const indexes = await client.query<{ rel: string; name: string }>(
    `SELECT t.relname AS rel, i.relname AS name FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1 ORDER BY 2`,
    [schema],
  );
  for (const i of indexes.rows) out[i.rel]!.indexes.push(i.name);
  const constraints = await client.query<{ rel: string; name: string; type: string; fschema: string | null; frel: string | null }>(
    `SELECT t.relname AS rel, k.conname AS name, k.contype AS type, fn.nspname AS fschema, f.relname AS frel
       FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_class f ON f.oid = k.confrelid LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace
      WHERE n.nspname = $1 AND k.contype IN ('p','f','u','c','x') ORDER BY 2`,
    [schema],
  );
  for (const k of constraints.rows) {
    const references = k.frel ? { schema: k.fschema!, name: k.frel } : undefined;
    out[k.rel]!.constraints.push(constraintShape(k.name, CONSTRAINT_TYPES[k.type]!, references));
  }
  for (const r of Object.values(out)) r.constraints.sort();
  const owners = await client.query<{ seq: string; owner: string }>(
    `SELECT s.relname AS seq, t.relname AS owner FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a','i')
       JOIN pg_class t ON t.oid = d.refobjid
      WHERE n.nspname = $1 AND s.relkind = 'S'`,
    [schema],
  );
  for (const o of owners.rows) out[o.seq]!.ownedBy = o.owner;
  return out;
}

/** A history of one migration per entry (`id` → statements), as a reader would hand it over. */
export function historyOf(migrations: ReadonlyArray<readonly [string, readonly string[]]>): MigrationHistory {
  return {
    source: 'django',
    warnings: [],
    durationMs: 0,
    migrations: migrations.map(([id, statements]) => ({ id, appliedAt: null, name: id.split('.').at(-1)!, statements, notes: [] })),
  };
}

/** Runs every statement of the history, in order, with `schema` as the only schema on the search_path. */
export async function applyHistory(client: pg.Client, schema: string, history: MigrationHistory): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`SET search_path TO "${schema}"`);
  for (const migration of history.migrations) {
    for (const sql of migration.statements) {
      try {
        await client.query(sql);
      } catch (error) {
        throw new Error(`${migration.id}: ${sql}\n${(error as Error).message}`);
      }
    }
  }
}
