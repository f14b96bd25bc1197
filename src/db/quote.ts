/**
 * The one identifier-quoting function. Every schema, table and column name that reaches DDL goes
 * through here, and those names come from `pg_catalog` rows, never from HTTP text.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('empty identifier');
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL byte');
  return '"' + name.replace(/"/g, '""') + '"';
}

/** `"schema"."name"` */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** A SQL string literal (for `to_regclass('...')` in verification and migrations). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains a NUL byte');
  return "'" + value.replace(/'/g, "''") + "'";
}
