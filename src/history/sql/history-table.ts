/**
 * Finding and reading a migration tool's own history table, read-only. The table's location comes
 * from pg_catalog (parameterised look-up); the SELECT is built only from the names the catalog
 * returned, quoted by the one quoting function.
 */
import type pg from 'pg';
import { qualified } from '../../db/quote.js';
import { rethrowAsUnreachable } from '../../db/connection-errors.js';
import { SqlHistoryError } from './errors.js';

export interface TableLookup {
  /** The configured `history.sql.table` (`name` or `schema.name`), or the tool's default name. */
  readonly table: string;
  /** Where an unqualified name is looked for, in order (the target schema first, then the sources). */
  readonly schemas: readonly string[];
  readonly format: string;
}

export interface FoundTable {
  readonly schema: string;
  readonly name: string;
  /** Its columns, as the catalog lists them (a reader checks for the ones its tool writes). */
  readonly columns: ReadonlySet<string>;
}

export async function findHistoryTable(pool: pg.Pool, lookup: TableLookup): Promise<FoundTable> {
  const dot = lookup.table.indexOf('.');
  const schema = dot < 0 ? null : lookup.table.slice(0, dot);
  const name = dot < 0 ? lookup.table : lookup.table.slice(dot + 1);
  const where = schema === null ? lookup.schemas : [schema];
  let rows: Array<{ schema: string; name: string; columns: string[] }>;
  try {
    ({ rows } = await pool.query(
      `SELECT n.nspname AS schema, c.relname AS name,
              array(SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND n.nspname = ANY($2::text[]) AND c.relkind IN ('r', 'p', 'v', 'm')`,
      [name, where],
    ));
  } catch (error) {
    rethrowAsUnreachable(error, `reading the ${lookup.format} history table`);
  }
  // The first schema in the look-up order wins (the target before the sources).
  const found = where.map((s) => rows.find((r) => r.schema === s)).find((r) => r !== undefined);
  if (!found) {
    throw new SqlHistoryError(
      `history.sql: no ${lookup.format} history table \`${name}\` in ${where.map((s) => `\`${s}\``).join(', ')}; has ${lookup.format} applied any migration to this database? If its table has another name or schema, set \`history.sql.table\` (e.g. \`table: myschema.${name}\`)`,
    );
  }
  return { schema: found.schema, name: found.name, columns: new Set(found.columns) };
}

/** Fails with the columns the tool writes when the table lacks one (a table of another tool, or another format). */
export function requireColumns(table: FoundTable, format: string, needed: readonly string[]): void {
  const missing = needed.filter((c) => !table.columns.has(c));
  if (missing.length > 0) {
    throw new SqlHistoryError(
      `history.sql: the table ${table.schema}.${table.name} has no column ${missing.map((c) => `\`${c}\``).join(', ')}, which ${format} writes; is \`history.sql.format\` right?`,
    );
  }
}

/** `SELECT <columns> FROM <table>` in a read-only transaction: a reader never writes. */
export async function readRows<T>(pool: pg.Pool, table: FoundTable, select: string, orderBy: string, format: string): Promise<T[]> {
  const client = await pool.connect().catch((error: unknown) => rethrowAsUnreachable(error, `reading the ${format} history table`));
  try {
    await client.query('BEGIN READ ONLY');
    // `select` and `orderBy` are constants of the reader; the table name comes from the catalog.
    const { rows } = await client.query(`SELECT ${select} FROM ${qualified(table.schema, table.name)} ORDER BY ${orderBy}`);
    await client.query('COMMIT');
    return rows as T[];
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    rethrowAsUnreachable(error, `reading the ${format} history table`);
  } finally {
    client.release();
  }
}
