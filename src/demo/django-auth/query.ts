/** The login's SQL runs through this: a failing statement carries its text, which the 500 page quotes like Django's debug page. */
import type pg from 'pg';

export type Query = (sql: string, values: unknown[]) => Promise<pg.QueryResult>;

export function taggedQuery(pool: pg.Pool): Query {
  return async (sql, values) => {
    try {
      return await pool.query(sql, values);
    } catch (err) {
      throw Object.assign(err as object, { sql });
    }
  };
}
