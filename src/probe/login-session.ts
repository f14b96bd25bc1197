/**
 * What every login-form profile (`django-session`, `form`) shares: one login at a time, shared by
 * concurrent requests; a renewal at most once per round when a request bounces to the login page;
 * a blocked login (a finding) tried again next round; a `generation` per successful login so a
 * request knows whether the session it was sent with is still current; and the secrets to mask.
 * Each profile supplies only how it logs in and which headers its later requests carry.
 */
import { createSessionJar, type SessionJar } from './cookie-jar.js';
import { LoginFailedError } from '../errors.js';
import { maskSecrets } from '../util/redact.js';
import type { AuthSession, Authorization, Exchange, HttpClient, HttpResponse, LoginBlocked } from './types.js';

export type LoginOutcome = { readonly kind: 'ok' } | LoginBlocked;

/**
 * What every login profile derives from its config before logging in: where the app and its
 * login page are, a cookie jar, the form tokens seen (masked like secrets), and how a refusal
 * is worded (the password masked out of it).
 */
export function loginContext(profile: string, auth: { readonly loginPath: string; readonly password: string }, client: HttpClient) {
  const base = new URL(client.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return {
    base,
    prefix,
    siteUrl: base.origin + prefix + '/',
    loginPageUrl: base.origin + prefix + auth.loginPath,
    jar: createSessionJar(),
    formTokens: new Set<string>(),
    refused: (what: string) => new LoginFailedError(profile, `auth profile "${profile}": ${maskSecrets(what, [auth.password])}`),
    isLoginPage: (location: string) => sameLoginPage(location, client.baseUrl, auth.loginPath),
  };
}

/**
 * GET the login page, as every login profile does first: the page's answer, or why the login is
 * blocked (no answer, a 5xx: a finding for the cascade), or a refusal when the page is not a form.
 */
export async function fetchLoginPage(input: {
  readonly client: HttpClient;
  readonly jar: SessionJar;
  readonly profile: string;
  readonly path: string;
  readonly refused: (what: string) => LoginFailedError;
}): Promise<{ readonly kind: 'page'; readonly exchange: Exchange; readonly page: HttpResponse } | LoginBlocked> {
  const { client, jar, profile, path, refused } = input;
  const exchange = await client.sendWithRetries({
    method: 'GET',
    path,
    headers: { accept: 'text/html' },
    cookieJar: jar,
    purpose: { kind: 'login', profile },
  });
  if (!exchange.response) {
    return { kind: 'blocked', exchange, reason: `login page ${path} unreachable: ${exchange.failure?.code ?? 'no answer'}` };
  }
  const page = exchange.response;
  if (page.status >= 500) return { kind: 'blocked', exchange, reason: `login page ${path} answered ${page.status}` };
  if (page.status !== 200) {
    const where = page.location ? ` (redirect to ${page.location})` : '';
    throw refused(`the login page ${path} answered ${page.status}${where} instead of the login form; check auth.${profile}.loginPath`);
  }
  return { kind: 'page', exchange, page };
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** The login's GET and POST as one exchange: the POST's answer, every attempt of both. */
export function joinExchanges(a: Exchange, b: Exchange): Exchange {
  return {
    response: b.response,
    attempts: [...a.attempts, ...b.attempts],
    failure: b.failure,
    durationMs: a.durationMs + b.durationMs,
  };
}

/** Secret values in the forms they may be echoed in: raw, URL-encoded, HTML-escaped. */
export function secretVariants(secret: string): string[] {
  const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
  return [...new Set([secret, encodeURIComponent(secret), html])];
}

/** True when `location` (absolute or relative to the login page) is the login page itself. */
export function sameLoginPage(location: string, baseUrl: string, loginPath: string): boolean {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  try {
    const target = new URL(location, base.origin + prefix + loginPath);
    return target.origin === base.origin && target.pathname === prefix + loginPath;
  } catch {
    return false;
  }
}

export function loginSession(input: {
  profile: string;
  jar: SessionJar;
  /** One login attempt: ok, blocked (a finding), or rejects with `LoginFailedError`. */
  logIn: () => Promise<LoginOutcome>;
  isLoginPage: (location: string) => boolean;
  /** Extra headers of a logged-in request (e.g. Django's `X-CSRFToken` on unsafe methods). */
  headers?: (method: string) => Promise<Record<string, string>>;
  /** Secret values besides the jar's cookies (password, form tokens seen). */
  secrets: () => string[];
}): AuthSession {
  const { profile, jar } = input;
  /** The current login (or renewal); settles to ok/blocked, or rejects with LoginFailedError. */
  let login: Promise<LoginOutcome> | undefined;
  let lastOutcome: LoginOutcome | undefined;
  /** Bumped by every successful login; a request remembers the one it was sent with. */
  let generation = 0;
  let renewedThisRound = false;
  let renewingFrom: number | undefined;

  function start(before?: Promise<void>): Promise<LoginOutcome> {
    const attempt = (before ?? Promise.resolve()).then(input.logIn).then((outcome) => {
      if (outcome.kind === 'ok') generation += 1;
      return outcome;
    });
    login = attempt;
    attempt.then(
      (outcome) => void (lastOutcome = outcome),
      () => {},
    );
    return attempt;
  }

  async function authorize(request: { readonly method: string }): Promise<Authorization> {
    const outcome = await (login ?? start());
    if (outcome.kind !== 'ok') return outcome;
    const headers = input.headers ? await input.headers(request.method) : {};
    return { kind: 'ready', headers, cookieJar: jar, generation };
  }

  return {
    profile,
    authorize,
    isLoginPage: input.isLoginPage,
    async renew(request) {
      if (request.generation < generation) return authorize(request); // renewed meanwhile
      if (renewingFrom === request.generation) return authorize(request); // renewal under way: share it
      if (renewedThisRound) return undefined;
      renewedThisRound = true;
      renewingFrom = request.generation;
      start(jar.clear());
      return authorize(request);
    },
    beginRound() {
      renewedThisRound = false;
      renewingFrom = undefined;
      if (lastOutcome?.kind === 'blocked' && login) {
        login = undefined;
        lastOutcome = undefined;
      }
    },
    async secrets() {
      return [...input.secrets(), ...jar.valuesSeen()].flatMap(secretVariants);
    },
  };
}
