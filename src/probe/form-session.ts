/**
 * The `form` auth profile: logs in through any HTML login form (Rails `authenticity_token`,
 * Laravel `_token`, Flask-WTF `csrf_token`, or none). It fetches the login page, submits the form
 * that holds the password input — to its own `action`, with its own `method` and every field it
 * carries — and keeps the cookies in the profile's jar. Success is the configured check
 * (`success`), by default a redirect away from the login page.
 *
 * As with `django-session` (the shared state is in `login-session.ts`):
 * - refused credentials, a page without a login form, a form posting to another origin →
 *   `LoginFailedError` (exit 3) naming the profile, the form's fields and the fields sent;
 * - the login page or its POST answering 5xx or not at all → a finding (`LoginBlocked`): the
 *   profile's endpoints report that answer and the next round logs in again.
 */
import type { FormAuth } from '../config/types.js';
import { formErrors } from './django-pages.js';
import { findLoginForm, parseForms, type HtmlForm } from './html-forms.js';
import { fetchLoginPage, loginContext, isRedirect, joinExchanges, loginSession, type LoginOutcome } from './login-session.js';
import type { AuthSession, HttpClient, HttpResponse } from './types.js';

/**
 * Hidden values this long are taken for tokens and masked out of results; shorter ones (Rails'
 * `utf8=✓`, `remember_me=0`) are not secrets, and masking them would garble every report.
 */
const TOKEN_MIN_LENGTH = 16;

function describeFields(form: HtmlForm): string {
  return form.fields.map((f) => (f.type === 'hidden' ? `${f.name} (hidden)` : f.name)).join(', ') || 'none';
}

export function formSession(options: { profile: string; auth: FormAuth; client: HttpClient }): AuthSession {
  const { profile, auth, client } = options;
  const { base, prefix, siteUrl, loginPageUrl, jar, formTokens, refused, isLoginPage } = loginContext(profile, auth, client);

  /** The form's `action` as a path under `baseUrl`; refused when it leaves the app's origin. */
  function actionPath(form: HtmlForm): string {
    const target = new URL(form.action || loginPageUrl, loginPageUrl);
    if (target.origin !== base.origin || !target.pathname.startsWith(prefix + '/')) {
      // The password is only ever sent to the app under test.
      throw refused(`the login form at ${auth.loginPath} posts to ${target.origin}${target.pathname}, outside ${siteUrl}; not sending the password there`);
    }
    return target.pathname.slice(prefix.length) + target.search;
  }

  /** What the configured `success` checks say about the login's answer; undefined when all hold. */
  async function unmet(answer: HttpResponse, cookieBefore: string | undefined): Promise<string | undefined> {
    // Whatever the configured check: a login answered with a client error, or with the login form
    // again, was refused. (Rails re-sends its encrypted session cookie with a new value on a
    // refused login too, so a changed cookie alone proves nothing.)
    if (answer.status >= 400) return `it answered ${answer.status}`;
    if (findLoginForm(answer.body)) return 'it showed the login form again';
    const { cookie, textAbsent } = auth.success;
    const redirectAwayFrom = auth.success.redirectAwayFrom ?? (cookie === undefined && textAbsent === undefined);
    if (redirectAwayFrom && !(isRedirect(answer.status) && answer.location && !isLoginPage(answer.location))) {
      return isRedirect(answer.status) ? `it redirected back to the login page` : `it answered ${answer.status} without redirecting away`;
    }
    if (cookie !== undefined) {
      const now = await jar.value(cookie, siteUrl);
      if (now === undefined || now === cookieBefore) return `it set no new ${cookie} cookie`;
    }
    if (textAbsent !== undefined && answer.body.includes(textAbsent)) return `its answer says "${textAbsent}"`;
    if (isRedirect(answer.status) && answer.location && isLoginPage(answer.location)) return 'it redirected back to the login page';
    return undefined;
  }

  async function logIn(): Promise<LoginOutcome> {
    const path = auth.loginPath;
    const fetched = await fetchLoginPage({ client, jar, profile, path, refused });
    if (fetched.kind === 'blocked') return fetched;
    const { exchange: page, page: got } = fetched;
    const form = findLoginForm(got.body);
    if (!form) {
      const count = parseForms(got.body).length;
      throw refused(
        `the login page ${path} has no form with a password input (${count} form${count === 1 ? '' : 's'} without one); ` +
          `check auth.${profile}.loginPath`,
      );
    }
    const usernameField = auth.usernameField ?? form.usernameField;
    const passwordField = auth.passwordField ?? form.passwordField;
    if (!usernameField || !passwordField) {
      throw refused(
        `the login form at ${path} has no ${usernameField ? 'password' : 'user name'} input to fill ` +
          `(its fields: ${describeFields(form)}); set auth.${profile}.${usernameField ? 'passwordField' : 'usernameField'}`,
      );
    }
    const fields = new URLSearchParams();
    for (const field of form.fields) {
      if (field.name === usernameField || field.name === passwordField) continue;
      fields.append(field.name, field.value);
      if (field.type === 'hidden' && field.value.length >= TOKEN_MIN_LENGTH) formTokens.add(field.value);
    }
    fields.append(usernameField, auth.username);
    fields.append(passwordField, auth.password);
    const sent = [...new Set(fields.keys())].join(', ');

    const target = actionPath(form);
    const cookieBefore = auth.success.cookie === undefined ? undefined : await jar.value(auth.success.cookie, siteUrl);
    const post = await client.sendWithRetries(
      form.method === 'GET'
        ? { method: 'GET', path: target.split('?')[0] + '?' + fields.toString(), headers: { accept: 'text/html' }, cookieJar: jar, purpose: { kind: 'login', profile } }
        : {
            method: 'POST',
            path: target,
            // Frameworks' CSRF checks compare Origin/Referer with the host, as a browser sends them.
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', referer: loginPageUrl, origin: base.origin },
            body: fields.toString(),
            cookieJar: jar,
            purpose: { kind: 'login', profile },
          },
    );
    const both = joinExchanges(page, post);
    if (!post.response) {
      return { kind: 'blocked', exchange: both, reason: `login form ${path} unreachable: ${post.failure?.code ?? 'no answer'}` };
    }
    const answer = post.response;
    if (answer.status >= 500) {
      return { kind: 'blocked', exchange: both, reason: `login page ${path} answered ${answer.status} to the login form` };
    }
    const why = await unmet(answer, cookieBefore);
    if (why === undefined) return { kind: 'ok' };
    const errors = formErrors(answer.body);
    throw refused(
      `the login at ${path} was refused: ${why} (${answer.status}${errors ? `: ${errors}` : ''}). ` +
        `The form has: ${describeFields(form)}; sent: ${sent}. Check auth.${profile}.username and password` +
        (auth.usernameField === undefined ? `, or set auth.${profile}.usernameField` : ''),
    );
  }

  return loginSession({ profile, jar, logIn, isLoginPage, secrets: () => [auth.password, ...formTokens] });
}
