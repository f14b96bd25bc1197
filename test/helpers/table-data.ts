/**
 * Row counts and a content checksum of every user table, keyed by table name alone (a move changes
 * the schema, not the data): equal before and after a run means no row was lost, added or changed.
 * Any test that moves a table can compare `tableData(url)` before and after.
 */
import { withClient } from './database.js';

export interface TableData {
  readonly rows: number;
  /** md5 over the md5 of every row's text, in sorted order: independent of physical order. */
  readonly checksum: string;
}

export async function tableData(url: string, only?: readonly string[]): Promise<Record<string, TableData>> {
  return withClient(url, async (c) => {
    const { rows: tables } = await c.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, cl.relname AS name FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE cl.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          AND NOT cl.relispartition
        ORDER BY cl.relname, n.nspname`,
    );
    const out: Record<string, TableData> = {};
    for (const { schema, name } of tables) {
      if (only && !only.includes(name)) continue;
      const q = `${quote(schema)}.${quote(name)}`;
      const { rows } = await c.query<{ n: string; sum: string | null }>(
        `SELECT count(*) AS n, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS sum FROM ${q} t`,
      );
      // The same name in two schemas (a stale copy) is kept apart by its schema.
      const key = name in out ? `${schema}.${name}` : name;
      out[key] = { rows: Number(rows[0]!.n), checksum: rows[0]!.sum ?? '' };
    }
    return out;
  });
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** Where each named table is now: `schema` or null when it is gone. */
export async function schemasOf(url: string, names: readonly string[]): Promise<Record<string, string | null>> {
  return withClient(url, async (c) => {
    const out: Record<string, string | null> = {};
    for (const name of names) {
      const { rows } = await c.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
          WHERE cl.relname = $1 AND n.nspname IN ('public', 'test_schema') ORDER BY 1`,
        [name],
      );
      out[name] = rows.map((r) => r.schema).join(',') || null;
    }
    return out;
  });
}
