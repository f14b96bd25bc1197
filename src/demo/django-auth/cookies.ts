/** The demo login's two cookies: reading them from a request and writing them as Django does. */
import type { IncomingMessage } from 'node:http';

export const CSRF_COOKIE = 'csrftoken';
export const SESSION_COOKIE = 'sessionid';
/** CSRF_COOKIE_AGE: one year. */
export const CSRF_COOKIE_AGE_SECONDS = 31_449_600;

export function parseCookies(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

export function cookieHeader(name: string, value: string, options: { maxAge: number; httpOnly: boolean; secure: boolean }): string {
  const expires = new Date(Date.now() + options.maxAge * 1000).toUTCString();
  return (
    `${name}=${value}; expires=${expires}; Max-Age=${options.maxAge}; Path=/; SameSite=Lax` +
    (options.httpOnly ? '; HttpOnly' : '') +
    (options.secure ? '; Secure' : '')
  );
}
