/**
 * The latest applied migration of every app, from `django_migrations`: what a repair migration in
 * another app must depend on so that, on a fresh copy, it runs after the tables it repairs exist.
 */
import { qualified } from '../db/quote.js';
import type { Queryable } from '../db/types.js';

/** Highest id per app: the last one `migrate` recorded (ids grow in the order they were applied). */
export function latestAppliedSql(schema: string): string {
  return `SELECT DISTINCT ON (app) app, name FROM ${qualified(schema, 'django_migrations')} ORDER BY app, id DESC`;
}

export async function latestAppliedMigrations(db: Queryable, schema: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ app: string; name: string }>(latestAppliedSql(schema));
  return new Map(rows.map((r) => [r.app, r.name]));
}
