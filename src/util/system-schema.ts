/**
 * Schemas smoke-fix never moves anything into or out of. PostgreSQL reserves the `pg_` prefix for
 * system schemas (pg_catalog, pg_toast, pg_temp_N, …); information_schema is the SQL-standard view.
 */
export function isSystemSchema(schema: string): boolean {
  return schema === 'information_schema' || schema.startsWith('pg_');
}
