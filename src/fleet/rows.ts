/**
 * `targetsFrom.query`, run in a READ ONLY transaction against the top-level database (it may
 * only read, whatever the query text says), with the columns named in `as` picked out of each row.
 * A column named in `as` that the query does not return is a config mistake: nothing runs.
 */
import { rethrowAsUnreachable } from '../db/connection-errors.js';
import { openDatabase } from '../db/connect.js';
import type { DatabaseConfig, TargetsFromConfig } from '../config/types.js';
import { maskSecrets } from '../util/redact.js';
import { TargetsQueryError } from './errors.js';

export interface TargetRow {
  /** 1-based, in the query's order. */
  readonly number: number;
  readonly name?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly targetSchema?: string | undefined;
  readonly sourceSchemas?: readonly string[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Values that are not text (NULL, numbers where a name is expected). */
  readonly problems: readonly string[];
}

function text(value: unknown, column: string, problems: string[]): string | undefined {
  if (typeof value === 'string') return value;
  problems.push(`column \`${column}\` is ${value === null ? 'NULL' : `not text (${typeof value})`}`);
  return undefined;
}

export async function queryTargetRows(database: DatabaseConfig, from: TargetsFromConfig, secrets: readonly string[]): Promise<TargetRow[]> {
  const db = await openDatabase(database, { applicationName: 'smoke-fix targetsFrom' });
  try {
    const client = await db.pool.connect().catch((e: unknown) => rethrowAsUnreachable(e, 'reading targetsFrom'));
    let result;
    try {
      await client.query('BEGIN');
      await client.query('SET TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.trunc(database.statementTimeoutMs)}`);
      result = await client.query({ text: from.query, rowMode: 'array' });
    } catch (error) {
      const code = (error as { code?: string }).code;
      // A SQLSTATE from the server means the query itself is wrong; anything else is the connection.
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57')) {
        throw new TargetsQueryError(
          `targetsFrom.query failed: ${maskSecrets((error as Error).message, secrets)} (SQLSTATE ${code}). Check the query with psql against the top-level database.`,
        );
      }
      rethrowAsUnreachable(error, 'running targetsFrom.query');
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
    const columns = result.fields.map((f) => f.name);
    const wanted: [string, string][] = [];
    const want = (key: string, column: string | undefined) => column !== undefined && wanted.push([key, column]);
    want('name', from.as.name);
    want('baseUrl', from.as.baseUrl);
    want('targetSchema', from.as.targetSchema);
    want('sourceSchemas', from.as.sourceSchemas);
    for (const [header, column] of Object.entries(from.as.headers ?? {})) want(`headers.${header}`, column);
    const index = new Map<string, number>();
    for (const [key, column] of wanted) {
      const at = columns.indexOf(column);
      if (at < 0) {
        throw new TargetsQueryError(
          `targetsFrom.as.${key} names the column \`${column}\`, which targetsFrom.query does not return (it returns: ${columns.map((c) => `\`${c}\``).join(', ') || 'no columns'}): fix the column name or the query.`,
        );
      }
      index.set(key, at);
    }
    return (result.rows as unknown[][]).map((values, i) => {
      const problems: string[] = [];
      const get = (key: string): string | undefined => {
        const at = index.get(key);
        return at === undefined ? undefined : text(values[at], columns[at]!, problems);
      };
      const headers: Record<string, string> = {};
      for (const header of Object.keys(from.as.headers ?? {})) {
        const v = get(`headers.${header}`);
        if (v !== undefined) headers[header] = v;
      }
      let sourceSchemas: string[] | undefined;
      const at = index.get('sourceSchemas');
      if (at !== undefined) {
        const v = values[at];
        if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string')) sourceSchemas = v as string[];
        else if (typeof v === 'string') sourceSchemas = [v];
        else problems.push(`column \`${columns[at]}\` must be a schema name or a non-empty text[]`);
      }
      return { number: i + 1, name: get('name'), baseUrl: get('baseUrl'), targetSchema: get('targetSchema'), sourceSchemas, headers, problems };
    });
  } finally {
    await db.close().catch(() => {});
  }
}
