/**
 * A small real app whose handlers run real SQL with `search_path=public`, as an app does that
 * calls functions and casts to types by name: each path runs one statement and answers 500 with
 * PostgreSQL's own message in a JSON body when it fails.
 */
import { serveOnLoopback, type LoopbackApp } from './loopback-app.js';
import { createServer } from 'node:http';
import pg from 'pg';
import type { TestDatabase } from './database.js';

export type ObjectsApp = LoopbackApp;

/** path → statement (and its parameters, sent untyped as an ORM sends them). */
export type Routes = Readonly<Record<string, { readonly sql: string; readonly params?: readonly unknown[] }>>;

export async function startObjectsApp(databaseUrl: string, routes: Routes): Promise<ObjectsApp> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, options: '-c search_path=public' });
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    pool.query(route.sql, route.params ? [...route.params] : []).then(
      (r) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ rows: r.rows.length }));
      },
      (e: { message: string; code?: string }) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: e.code, message: e.message } }));
      },
    );
  });
  return serveOnLoopback(server, () => pool.end());
}

/** Where every routine, type and extension outside the system schemas lives, one line each. */
export async function objectSnapshot(db: Pick<TestDatabase, 'query'>): Promise<string[]> {
  const rows = await db.query<{ line: string }>(`
    SELECT format('proc %s.%s(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS line
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT format('type %s.%s %s', n.nspname, t.typname, t.typtype)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    UNION ALL
    SELECT format('ext %s %s', e.extname, n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    ORDER BY 1`);
  return rows.map((r) => r.line);
}
