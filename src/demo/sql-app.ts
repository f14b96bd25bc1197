/**
 * The bundled app: an HTTP server whose pages run real SQL against PostgreSQL with
 * `search_path=public` (what Django's ORM sees) and answer 500 with the database's own error.
 * `smoke-fix demo` and the integration tests both run it; a route's queries run in order, so each
 * repaired table reveals the next missing one — the cascade of the incident.
 */
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { djangoLogRecord, renderError, type DbError, type ErrorStyle } from './error-pages.js';

export interface AppRoute {
  readonly path: string;
  /** Run in order; the first that fails answers 500. */
  readonly queries: readonly string[];
  /** `member` needs a logged-in user, `superuser` a superuser (see DemoAuth). */
  readonly auth?: 'member' | 'superuser' | undefined;
  /** Overrides the app's error style for this route. */
  readonly errorStyle?: ErrorStyle | undefined;
}

export interface DemoUser {
  readonly username: string;
  readonly isSuperuser: boolean;
}

/** Login pages and sessions (Django-like, in `django-auth.ts`); optional. */
export interface DemoAuth {
  /** Answers the request when it is for a login page; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<boolean>;
  currentUser(req: IncomingMessage): Promise<DemoUser | null>;
  /** Where a page that needs `level` sends an anonymous visitor. */
  loginPathFor(level: 'member' | 'superuser'): string;
}

export interface SqlAppOptions {
  readonly databaseUrl: string;
  readonly routes: readonly AppRoute[];
  readonly errorStyle?: ErrorStyle | undefined;
  /** The schema the app's connections see (Django's ORM: `public`). */
  readonly searchPath?: string | undefined;
  /** Django-style `django.request` error records are appended here (DEBUG=False + LOGGING). */
  readonly logFile?: string | undefined;
  /** Login pages; a function receives the app's pool (Django's auth runs on the same database). */
  readonly auth?: DemoAuth | ((pool: pg.Pool) => DemoAuth) | undefined;
}

export interface RunningApp {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Requests answered so far, by path (for tests that check what was probed). */
  readonly hits: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) break; // a demo app: refuse to buffer more than 1 MiB
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function toDbError(e: unknown): DbError {
  const err = e as { message?: string; code?: string; position?: string };
  return { message: err.message ?? String(e), code: err.code, position: err.position };
}

export async function startSqlApp(options: SqlAppOptions): Promise<RunningApp> {
  const searchPath = options.searchPath ?? 'public';
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 4,
    // What a Django settings.py with OPTIONS={'options': '-c search_path=public'} does.
    options: `-c search_path=${searchPath}`,
    application_name: 'smoke-fix-demo-app',
  });
  // An idle connection that the server closes (a restart, the demo shutting down) must not crash
  // the process: the next query reports the problem as a 500, which is what a real app does.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const hits = new Map<string, number>();
  const auth = typeof options.auth === 'function' ? options.auth(pool) : options.auth;

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    const body = await readBody(req);
    if (auth && (await auth.handle(req, res, body))) return;

    const route = options.routes.find((r) => r.path === url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    if (route.auth) {
      const user = auth ? await auth.currentUser(req) : null;
      if (!user || (route.auth === 'superuser' && !user.isSuperuser)) {
        const login = auth?.loginPathFor(route.auth) ?? '/accounts/login/';
        res.writeHead(302, { location: `${login}?next=${encodeURIComponent(url.pathname)}` }).end();
        return;
      }
    }
    const counts: number[] = [];
    for (const sql of route.queries) {
      try {
        counts.push((await pool.query(sql)).rowCount ?? 0);
      } catch (e) {
        const error = toDbError(e);
        const style = route.errorStyle ?? options.errorStyle ?? 'django-debug';
        if (options.logFile) {
          await appendFile(options.logFile, djangoLogRecord({ path: url.pathname, error, when: new Date() }));
        }
        const page = renderError(style, { path: url.pathname, sql, error });
        res.writeHead(500, { 'content-type': page.type }).end(page.body);
        return;
      }
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<h1>${url.pathname}</h1><p>rows: ${counts.join(', ')}</p>`);
  };

  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`Internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pool,
    hits,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
