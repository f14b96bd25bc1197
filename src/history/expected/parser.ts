/**
 * The real PostgreSQL grammar, from npm's `libpg-query`: the server's own parser (libpg_query,
 * PostgreSQL 18) compiled to WebAssembly. Chosen over hand-written or regex parsing because it
 * reads exactly what the server reads (quoting, comments, dollar quotes, every statement form);
 * its wasm build ships inside the package (no postinstall download, no native compiler), so it
 * installs from the registry alone and runs on Node 20. `pgsql-deparser` (same maintainers, pure
 * TypeScript) prints default expressions back from the tree.
 *
 * The WASM module is loaded once per process, on first use.
 */
import type { Node } from 'libpg-query';
import { EnvironmentError } from '../../errors.js';

type LibPgQuery = typeof import('libpg-query');

/** The parser's WebAssembly module could not be loaded. */
export class SqlParserUnavailableError extends EnvironmentError {
  override readonly code = 'SQL_PARSER_UNAVAILABLE';
}

let loading: Promise<LibPgQuery> | undefined;

function parser(): Promise<LibPgQuery> {
  loading ??= (async () => {
    try {
      const lib = await import('libpg-query');
      await lib.loadModule();
      return lib;
    } catch (error) {
      loading = undefined;
      throw new SqlParserUnavailableError(
        `the PostgreSQL parser (npm libpg-query) could not be loaded: ${(error as Error).message}. Reinstall with \`npm ci\`.`,
        { cause: error },
      );
    }
  })();
  return loading;
}

/** One statement of a migration's SQL: its tree and its own text. */
export interface ParsedStatement {
  readonly node: Node;
  /** The statement as written (comments before it dropped), ending with `;`. */
  readonly text: string;
}

export type ParseOutcome = { readonly ok: true; readonly statements: ParsedStatement[] } | { readonly ok: false; readonly error: string };

/** A synchronous parser, once the module is loaded (one load per process). */
export async function loadParser(): Promise<(sql: string) => ParseOutcome> {
  const lib = await parser();
  return (sql) => {
    let result;
    try {
      result = lib.parseSync(sql);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    // stmt_location / stmt_len count bytes of UTF-8, not UTF-16 units.
    const bytes = Buffer.from(sql, 'utf8');
    const statements = (result.stmts ?? []).flatMap((raw) => {
      if (!raw.stmt) return [];
      const start = raw.stmt_location ?? 0;
      const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
      const text = stripLeadingComments(bytes.subarray(start, end).toString('utf8')).trim();
      return [{ node: raw.stmt, text: text.endsWith(';') ? text : `${text};` }];
    });
    return { ok: true, statements };
  };
}

/** Drops `-- …` lines and blank lines ahead of a statement (the parser's slice keeps them). */
function stripLeadingComments(text: string): string {
  const lines = text.split('\n');
  while (lines.length > 0 && (lines[0]!.trim() === '' || lines[0]!.trim().startsWith('--'))) lines.shift();
  return lines.join('\n');
}
