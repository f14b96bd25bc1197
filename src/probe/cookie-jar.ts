/**
 * A profile's cookie jar: tough-cookie (RFC 6265 path, domain, expiry, HttpOnly, SameSite),
 * wrapped so every cookie value it ever held can be masked out of results.
 *
 * `Secure` cookies: like browsers, http://localhost and loopback addresses count as a secure
 * context (tough-cookie's `allowSecureOnLocal`), so a Django with `SESSION_COOKIE_SECURE = True`
 * can be probed on a developer machine over plain http. To any other host over plain http a
 * `Secure` cookie is neither stored nor sent: the login then reports that no `sessionid` cookie
 * was set, rather than leaking the session over an insecure channel.
 *
 * SameSite never withholds a cookie here: every request goes to the one origin of `baseUrl`, so
 * each is same-site (tough-cookie keeps the attribute; it is enforced only on cross-site requests).
 */
import { Cookie, CookieJar } from 'tough-cookie';
import type { CookieStore } from './types.js';

export interface SessionJar extends CookieStore {
  /** Value of the cookie `name` that would be sent to `url`, if any. */
  value(name: string, url: string): Promise<string | undefined>;
  /** Forget every cookie (before logging in again). */
  clear(): Promise<void>;
  /** Every cookie value this jar was ever given, including replaced ones (for masking). */
  valuesSeen(): string[];
}

export function createSessionJar(): SessionJar {
  const jar = new CookieJar(undefined, { allowSecureOnLocal: true, rejectPublicSuffixes: true });
  const seen = new Set<string>();
  return {
    getCookieString: (url) => jar.getCookieString(url),
    async setCookie(cookie, url, options) {
      const value = Cookie.parse(cookie)?.value;
      if (value) seen.add(value);
      return jar.setCookie(cookie, url, options);
    },
    async value(name, url) {
      const cookies = await jar.getCookies(url);
      return cookies.find((c) => c.key === name)?.value;
    },
    clear: () => jar.removeAllCookies(),
    valuesSeen: () => [...seen],
  };
}
