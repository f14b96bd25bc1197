/**
 * A snapshot of everything a user's data lives in (relations, columns, indexes, constraints,
 * sequences, row counts), outside system schemas: "the catalog is identical" means these are equal.
 */
import pg from 'pg';

export async function catalogSnapshot(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    const { rows } = await c.query<{ line: string }>(`
      SELECT format('rel %s.%s kind=%s', n.nspname, cl.relname, cl.relkind) AS line
        FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      UNION ALL
      SELECT format('col %s.%s.%s %s notnull=%s default=%s', n.nspname, cl.relname, a.attname,
                    format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
        FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attnum > 0 AND NOT a.attisdropped
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      UNION ALL
      SELECT format('con %s.%s %s', n.nspname, co.conname, pg_get_constraintdef(co.oid))
        FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1`);
    const lines = rows.map((r) => r.line);
    // Row counts of ordinary tables, so "unchanged" also means no row was lost.
    const tables = await c.query<{ q: string }>(`
      SELECT format('%I.%I', n.nspname, cl.relname) AS q FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
       WHERE cl.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1`);
    for (const { q } of tables.rows) {
      const n = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${q}`);
      lines.push(`rows ${q} ${n.rows[0]!.n}`);
    }
    return lines;
  } finally {
    await c.end();
  }
}
