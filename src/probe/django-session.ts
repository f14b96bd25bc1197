/**
 * The `django-session` auth profile: logs in through Django's login form (CSRF cookie + hidden
 * `csrfmiddlewaretoken`), keeps the `sessionid` in the profile's own cookie jar, and sends the
 * CSRF token Django rotated at login with later unsafe requests (`X-CSRFToken`).
 *
 * What goes wrong is told apart:
 * - the credentials are refused → `LoginFailedError` (exit 3): never mistaken for drift;
 * - the login page answers 5xx, is unreachable, or refuses the form with a CSRF 403 → a finding:
 *   every endpoint of the profile reports that answer (`LoginBlocked`) and the next round logs
 *   in again (a repair may have fixed it, e.g. a missing `django_session` table).
 */
import type { DjangoSessionAuth } from '../config/types.js';
import { DEFAULTS } from '../config/defaults.js';
import { readLoginForm, type LoginForm } from './login-form.js';
import { csrfFailure, formErrors, inputValue } from './django-pages.js';
import { fetchLoginPage, loginContext, isRedirect, joinExchanges, loginSession, type LoginOutcome } from './login-session.js';
import type { AuthSession, HttpClient } from './types.js';

/** Django's default cookie names (SESSION_COOKIE_NAME, CSRF_COOKIE_NAME). */
export const SESSION_COOKIE = 'sessionid';
export const CSRF_COOKIE = 'csrftoken';
export const CSRF_FORM_FIELD = 'csrfmiddlewaretoken';

/** Methods Django's CsrfViewMiddleware lets through without a token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** `the form has fields a, b; smoke-fix sent a, c; ` — what a person needs to see a field mismatch. */
function fieldsNote(form: LoginForm | undefined, sent: readonly string[]): string {
  const has = form ? `the form has fields ${form.fields.join(', ') || '(none)'}` : 'the page has no password input';
  return `${has}; smoke-fix sent ${sent.join(', ')}; `;
}

export function djangoSession(options: { profile: string; auth: DjangoSessionAuth; client: HttpClient }): AuthSession {
  const { profile, auth, client } = options;
  const { base, siteUrl, loginPageUrl, jar, formTokens, refused, isLoginPage } = loginContext(profile, auth, client);


  async function logIn(): Promise<LoginOutcome> {
    const path = auth.loginPath;
    const fetched = await fetchLoginPage({ client, jar, profile, path, refused });
    if (fetched.kind === 'blocked') return fetched;
    const { exchange: page, page: got } = fetched;
    const token = inputValue(got.body, CSRF_FORM_FIELD);
    if (!token) {
      throw refused(`the login page ${path} has no ${CSRF_FORM_FIELD} field; check that auth.${profile}.loginPath is a Django login form`);
    }
    formTokens.add(token);

    const loginForm = readLoginForm(got.body, auth.passwordField);
    const usernameField = auth.usernameField ?? loginForm?.usernameField ?? DEFAULTS.djangoSession.usernameField;
    const form = new URLSearchParams();
    form.set(CSRF_FORM_FIELD, token);
    form.set(usernameField, auth.username);
    form.set(auth.passwordField, auth.password);
    if (auth.next !== undefined) form.set('next', auth.next);
    const post = await client.sendWithRetries({
      method: 'POST',
      path,
      // Django checks Origin (and, over https, Referer) against the host; X-CSRFToken is not
      // needed: a form carries its token in the body.
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        referer: loginPageUrl,
        origin: base.origin,
      },
      body: form.toString(),
      cookieJar: jar,
      purpose: { kind: 'login', profile },
    });
    const both = joinExchanges(page, post);
    if (!post.response) {
      return { kind: 'blocked', exchange: both, reason: `login page ${path} unreachable for the login form: ${post.failure?.code ?? 'no answer'}` };
    }
    const answer = post.response;
    if (answer.status >= 500) {
      return { kind: 'blocked', exchange: both, reason: `login page ${path} answered ${answer.status} to the login form` };
    }
    if (answer.status === 403) {
      const csrf = csrfFailure(answer.body);
      if (csrf) return { kind: 'blocked', exchange: both, reason: `login form ${path} refused with 403: ${csrf}` };
      throw refused(`the login form ${path} answered 403 (${formErrors(answer.body) ?? 'forbidden'})`);
    }
    if (isRedirect(answer.status) && answer.location && !isLoginPage(answer.location)) {
      if (await jar.value(SESSION_COOKIE, siteUrl)) return { kind: 'ok' };
      throw refused(
        `the login form ${path} redirected to ${answer.location} but set no ${SESSION_COOKIE} cookie ` +
          `(a Secure session cookie is not kept over plain http to a non-local host)`,
      );
    }
    // The form came back (200 with errors) or bounced to the login page: credentials refused.
    const errors = formErrors(answer.body);
    throw refused(
      `the login at ${path} was refused (${answer.status}${errors ? `: ${errors}` : ', no session'}); ` +
        `${fieldsNote(loginForm, [...form.keys()])}check auth.${profile}.username and password` +
        (loginForm && !loginForm.fields.includes(usernameField) ? ` and set auth.${profile}.usernameField to the form's user name field` : ''),
    );
  }

  async function headers(method: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    if (!SAFE_METHODS.has(method.toUpperCase())) {
      // Read at request time: Django rotated the token at login, the jar holds the new one.
      const csrf = await jar.value(CSRF_COOKIE, siteUrl);
      if (csrf) headers['x-csrftoken'] = csrf;
      headers.origin = base.origin;
      headers.referer = siteUrl;
    }
    return headers;
  }

  return loginSession({ profile, jar, logIn, isLoginPage, headers, secrets: () => [auth.password, ...formTokens] });
}
