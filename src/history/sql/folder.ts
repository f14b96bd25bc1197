/**
 * The migrations folder as the readers need it: the files whose names match a tool's pattern, and
 * a file's SQL cut into statements by the real PostgreSQL parser (never by `;`, which appears in
 * strings, comments and function bodies).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { loadParser } from '../expected/parser.js';
import { SqlHistoryError } from './errors.js';

/** The folder's entries (names only), or a clear error when it is not a folder. */
export async function listFolder(dir: string, format: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new SqlHistoryError(`history.sql.dir: \`${dir}\` is not a folder; give the folder holding the ${format} migrations (relative to the config file)`);
  }
  return (await readdir(dir)).sort();
}

/**
 * A file of the folder by the name a history table recorded, or undefined when it is not there. The
 * name comes from a database row: one that leads outside the folder (`../`, an absolute path) is
 * treated as absent rather than read.
 */
export async function readText(dir: string, relative: string): Promise<string | undefined> {
  const path = resolve(dir, relative);
  if (path !== dir && !path.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return undefined;
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * One entry per statement, as the server's grammar cuts the script. A script that does not parse is
 * kept whole: the expected-schema replay then lists it as not followed, with the parser's message.
 */
export async function splitStatements(sql: string): Promise<string[]> {
  const parse = await loadParser();
  const parsed = parse(sql);
  if (!parsed.ok) return sql.trim() === '' ? [] : [sql];
  return parsed.statements.map((s) => s.text);
}
