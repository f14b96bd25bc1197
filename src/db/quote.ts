/**
 * The one place text is quoted into SQL: identifiers, literals and `--` comments. Every schema,
 * table and column name that reaches DDL goes through `quoteIdent`, and those names come from
 * `pg_catalog` rows, never from HTTP text.
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

/**
 * Text for a `--` comment. SQL and psql end such a comment only at a line break, so a name with a
 * line break in it could otherwise smuggle a statement or a psql meta-command into the script.
 */
export function sqlComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
