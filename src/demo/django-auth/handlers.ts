/**
 * Django-like login for the bundled demo app and the tests, on node:http + pg. It behaves the way
 * the probe has to cope with in a real Django site:
 * - the login page sets a `csrftoken` cookie and renders a masked `csrfmiddlewaretoken` field
 *   (csrf-token.ts);
 * - an unsafe request is checked like CsrfViewMiddleware does and refused with Django's 403 page
 *   and its reason wording (csrf-check.ts, csrf-page.ts);
 * - a login checks the password against `auth_user` (password.ts), creates a `django_session` row,
 *   sets `sessionid`, and rotates the CSRF secret (so a client must use the new `csrftoken`);
 * - `currentUser` reads the session row (with its expiry) and the user, with real SQL (sessions.ts).
 * Every query is real SQL against the pool: when `auth_user` or `django_session` is missing (or
 * drifted into another schema), the page answers 500 with PostgreSQL's own error text.
 * This file wires those pieces to the login pages' GET and POST.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import { renderError } from '../error-pages.js';
import { cookieHeader, CSRF_COOKIE, CSRF_COOKIE_AGE_SECONDS, parseCookies, SESSION_COOKIE } from './cookies.js';
import { csrfFailureReason } from './csrf-check.js';
import { sendCsrfFailure } from './csrf-page.js';
import { newSecret, validSecret } from './csrf-token.js';
import { loginForm, safeNext } from './login-page.js';
import { checkPassword } from './password.js';
import { taggedQuery } from './query.js';
import { currentUser, startSession, type DjangoUser } from './sessions.js';

export interface DjangoAuthOptions {
  readonly pool: pg.Pool;
  /** The login page, e.g. `/accounts/login/` (Django's LOGIN_URL). */
  readonly loginPath: string;
  /** A second login page for staff only, like Django admin's `/admin/login/`. */
  readonly adminLoginPath?: string | undefined;
  /** Where a login without `next` lands (LOGIN_REDIRECT_URL). Default `/`. */
  readonly loginRedirectUrl?: string | undefined;
  /** SESSION_COOKIE_AGE in seconds. Default two weeks. */
  readonly sessionAgeSeconds?: number | undefined;
  /** CSRF_TRUSTED_ORIGINS: other origins allowed to POST. */
  readonly trustedOrigins?: readonly string[] | undefined;
  /** SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE: mark both cookies `Secure`. */
  readonly secureCookies?: boolean | undefined;
  /**
   * `request.is_secure()`: the app believes it is served over https (behind a TLS proxy with
   * SECURE_PROXY_SSL_HEADER), so an `Origin: http://…` POST fails the CSRF origin check.
   */
  readonly isSecure?: boolean | undefined;
}

export interface DjangoAuth {
  /** Answers GET/POST of a login page and returns true; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<boolean>;
  /** The logged-in user of the request, or null. Database errors are thrown (the page answers 500). */
  currentUser(req: IncomingMessage): Promise<DjangoUser | null>;
  /** The login page a page needing `level` redirects to. */
  loginPathFor(level: 'member' | 'superuser'): string;
  /**
   * CsrfViewMiddleware for an app view: null when the request passes (safe method, or a valid
   * token), otherwise Django's reason text. `form` is the urlencoded body, if any.
   */
  csrfFailureReason(req: IncomingMessage, form?: URLSearchParams): string | null;
  /** Django's 403 CSRF page (DEBUG=True wording) for `reason`. */
  sendCsrfFailure(res: ServerResponse, reason: string): void;
}

export function createDjangoAuth(options: DjangoAuthOptions): DjangoAuth {
  const query = taggedQuery(options.pool);
  const sessionAge = options.sessionAgeSeconds ?? 1_209_600;
  const secure = options.secureCookies ?? false;
  const loginPaths = new Set([options.loginPath, ...(options.adminLoginPath ? [options.adminLoginPath] : [])]);
  const userOf = (req: IncomingMessage) => currentUser(query, req);

  async function showForm(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    const cookies = parseCookies(req);
    let secret = validSecret(cookies.get(CSRF_COOKIE));
    const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache, no-store, must-revalidate, private' };
    if (!secret) {
      secret = newSecret();
      headers['set-cookie'] = cookieHeader(CSRF_COOKIE, secret, { maxAge: CSRF_COOKIE_AGE_SECONDS, httpOnly: false, secure });
    }
    // The admin login template reads `user`: with a session cookie that touches django_session.
    const user = cookies.has(SESSION_COOKIE) ? await userOf(req) : null;
    res.writeHead(200, headers).end(loginForm({ path, secret, next: safeNext(url.searchParams.get('next')), user }));
  }

  async function logIn(req: IncomingMessage, res: ServerResponse, path: string, body: string): Promise<void> {
    const form = new URLSearchParams(body);
    const csrf = csrfFailureReason(options, req, form);
    if (csrf) return sendCsrfFailure(res, csrf);
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const staffOnly = path === options.adminLoginPath;
    const found = await query('SELECT id, password, is_staff, is_active FROM auth_user WHERE username = $1', [username]);
    const row = found.rows[0] as { id: number; password: string; is_staff: boolean; is_active: boolean } | undefined;
    if (!row || !row.is_active || !checkPassword(password, row.password) || (staffOnly && !row.is_staff)) {
      const secret = validSecret(parseCookies(req).get(CSRF_COOKIE)) as string;
      const error = staffOnly
        ? 'Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.'
        : 'Please enter a correct username and password. Note that both fields may be case-sensitive.';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginForm({ path, secret, next: safeNext(form.get('next')), username, error }));
      return;
    }
    const key = await startSession(query, { oldKey: parseCookies(req).get(SESSION_COOKIE), userId: row.id, ageSeconds: sessionAge });
    // rotate_token(): the CSRF secret changes at login.
    const rotated = newSecret();
    res.writeHead(302, {
      location: safeNext(form.get('next')) ?? options.loginRedirectUrl ?? '/',
      'set-cookie': [
        cookieHeader(CSRF_COOKIE, rotated, { maxAge: CSRF_COOKIE_AGE_SECONDS, httpOnly: false, secure }),
        cookieHeader(SESSION_COOKIE, key, { maxAge: sessionAge, httpOnly: true, secure }),
      ],
    });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const path = url.pathname;
    if (!loginPaths.has(path)) return false;
    try {
      if (req.method === 'GET' || req.method === 'HEAD') await showForm(req, res, path, url);
      else if (req.method === 'POST') await logIn(req, res, path, body);
      else res.writeHead(405, { allow: 'GET, HEAD, POST' }).end();
    } catch (err) {
      const e = err as { message?: string; code?: string; position?: string; sql?: string };
      if (typeof e.code !== 'string') throw err; // not a database error: a bug
      // PostgreSQL's own message, wrapped as Django's DEBUG page shows a ProgrammingError.
      const page = renderError('django-debug', {
        path,
        sql: e.sql ?? '',
        error: { message: e.message ?? String(err), code: e.code, position: e.position },
      });
      if (!res.headersSent) res.writeHead(500, { 'content-type': page.type });
      res.end(page.body);
    }
    return true;
  }

  return {
    handle,
    currentUser: userOf,
    loginPathFor: (level) => (level === 'superuser' ? (options.adminLoginPath ?? options.loginPath) : options.loginPath),
    csrfFailureReason: (req, form) => csrfFailureReason(options, req, form),
    sendCsrfFailure,
  };
}
