/**
 * A small Django-like site for the session tests: the demo's `createDjangoAuth` on a real
 * PostgreSQL, plus a few pages. It records what a test needs to check from the server's side
 * (login POSTs, the CSRF tokens it saw, cookies on anonymous pages).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import { createDjangoAuth, type DjangoAuthOptions } from '../../../src/demo/django-auth/handlers.js';
import { startServer } from './server.js';

interface Teardownable {
  teardown(fn: () => unknown): void;
}

export interface DjangoApp {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Login form POSTs received, by login path. */
  loginPosts(path: string): number;
  /** `csrftoken` cookie values the site saw on requests, in order. */
  readonly csrfCookiesSeen: string[];
  /** `X-CSRFToken` headers received by POST /me/settings/. */
  readonly settingsTokens: string[];
  /** `cookie` / `authorization` headers received by GET /public/ (should stay empty). */
  readonly publicCredentials: string[];
  /** Every request received: method, path, and the identity headers smoke-fix sent. */
  readonly received: Array<{ method: string; path: string; requestId: string | undefined; userAgent: string | undefined }>;
}

export async function startDjangoApp(
  t: Teardownable,
  input: { databaseUrl: string; auth?: Partial<Omit<DjangoAuthOptions, 'pool'>> },
): Promise<DjangoApp> {
  const pool = new pg.Pool({ connectionString: input.databaseUrl, max: 4 });
  // The test database is dropped WITH (FORCE) in teardown, which kills idle pool connections:
  // pg reports that as an 'error' event, which would otherwise crash the test process.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  t.teardown(() => pool.end());
  const auth = createDjangoAuth({ pool, loginPath: '/accounts/login/', adminLoginPath: '/admin/login/', ...input.auth });
  const posts = new Map<string, number>();
  const app: DjangoApp = {
    url: '',
    pool,
    loginPosts: (path) => posts.get(path) ?? 0,
    csrfCookiesSeen: [],
    settingsTokens: [],
    publicCredentials: [],
    received: [],
  };

  const toLogin = (res: ServerResponse, login: string, path: string): void =>
    void res.writeHead(302, { location: `${login}?next=${encodeURIComponent(path)}` }).end();

  async function handler(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x.invalid').pathname;
    const id = req.headers['x-request-id'];
    app.received.push({ method: req.method ?? '', path, requestId: Array.isArray(id) ? id.join(',') : id, userAgent: req.headers['user-agent'] });
    const csrf = /(?:^|;\s*)csrftoken=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (csrf) app.csrfCookiesSeen.push(csrf);
    if (req.method === 'POST' && (path === '/accounts/login/' || path === '/admin/login/')) {
      posts.set(path, (posts.get(path) ?? 0) + 1);
    }
    if (await auth.handle(req, res, body)) return;

    switch (path) {
      case '/public/': {
        for (const name of ['cookie', 'authorization'] as const) {
          const v = req.headers[name];
          if (v) app.publicCredentials.push(`${name}: ${v}`);
        }
        res.writeHead(200, { 'content-type': 'text/plain' }).end('public page');
        return;
      }
      case '/always-login/':
      case '/always-login-2/':
        return toLogin(res, '/accounts/login/', path);
      case '/contact/': {
        const failure = auth.csrfFailureReason(req, new URLSearchParams(body));
        if (failure) return auth.sendCsrfFailure(res, failure);
        res.writeHead(200).end('thanks');
        return;
      }
    }
    const user = await auth.currentUser(req);
    switch (path) {
      case '/me/':
      case '/me/again/':
        if (!user) return toLogin(res, '/accounts/login/', path);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<h1>Hello ${user.username}</h1>`);
        return;
      case '/admin/':
        if (!user?.isSuperuser) return toLogin(res, '/admin/login/', path);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<h1>Site administration (${user.username})</h1>`);
        return;
      case '/me/settings/': {
        if (!user) return toLogin(res, '/accounts/login/', path);
        const header = req.headers['x-csrftoken'];
        if (typeof header === 'string') app.settingsTokens.push(header);
        const failure = auth.csrfFailureReason(req, new URLSearchParams(body));
        if (failure) return auth.sendCsrfFailure(res, failure);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('saved');
        return;
      }
      case '/debug/echo/':
        // A careless debug page that prints the request's cookies: secrets must not reach results.
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`HTTP_COOKIE = ${req.headers.cookie ?? ''}\n`);
        return;
    }
    res.writeHead(404).end('Not Found');
  }

  const server = await startServer(t, handler);
  return { ...app, url: server.url };
}
