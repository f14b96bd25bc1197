/** The demo's Django-like login itself, driven by hand over real HTTP against a real PostgreSQL. */
import t from 'tap';
import { request } from 'undici';
import { AUTH_TABLES_SQL, createUserSql } from '../../../src/demo/django-auth/tables.js';
import { inputValue } from '../../../src/probe/django-pages.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../../helpers/database.js';
import { startDjangoApp } from '../../probe/helpers/django-app.js';

stopSharedServerAtEnd(t);

function cookiesOf(setCookie: string | string[] | undefined): Map<string, string> {
  const list = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return new Map(list.map((c) => {
    const [pair] = c.split(';');
    const eq = (pair ?? '').indexOf('=');
    return [(pair ?? '').slice(0, eq), (pair ?? '').slice(eq + 1)];
  }));
}

t.test('login rotates the CSRF secret: the pre-login token is refused afterwards', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(AUTH_TABLES_SQL);
  const q = createUserSql({ username: 'alice', password: 'pw-alice' });
  await db.query(q.text, q.values);
  const app = await startDjangoApp(t, { databaseUrl: db.url });

  const page = await request(`${app.url}/accounts/login/`);
  const html = await page.body.text();
  const csrf = cookiesOf(page.headers['set-cookie']).get('csrftoken') as string;
  const field = inputValue(html, 'csrfmiddlewaretoken') as string;
  t.equal(csrf.length, 32);
  t.equal(field.length, 64, 'the form carries a masked token, not the cookie value');

  const login = await request(`${app.url}/accounts/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrftoken=${csrf}`, origin: app.url },
    body: new URLSearchParams({ csrfmiddlewaretoken: field, username: 'alice', password: 'pw-alice' }).toString(),
  });
  await login.body.dump();
  t.equal(login.statusCode, 302);
  const set = cookiesOf(login.headers['set-cookie']);
  const session = set.get('sessionid') as string;
  const rotated = set.get('csrftoken') as string;
  t.ok(session);
  t.not(rotated, csrf, 'a new CSRF secret at login');
  const rows = await db.query('SELECT 1 FROM django_session WHERE session_key = $1 AND expire_date > now()', [session]);
  t.equal(rows.length, 1, 'a live django_session row');

  const post = (token: string) =>
    request(`${app.url}/me/settings/`, {
      method: 'POST',
      headers: { cookie: `csrftoken=${rotated}; sessionid=${session}`, 'x-csrftoken': token, origin: app.url },
    });
  const stale = await post(csrf);
  t.equal(stale.statusCode, 403);
  t.match(await stale.body.text(), "CSRF token from the &#x27;X-Csrftoken&#x27; HTTP header incorrect.");
  const fresh = await post(rotated);
  t.equal(fresh.statusCode, 200);
  t.equal(await fresh.body.text(), 'saved');
});

t.test('a missing auth_user table answers 500 with PostgreSQL\'s error', async (t) => {
  const db = await createTestDatabase(t);
  const app = await startDjangoApp(t, { databaseUrl: db.url });
  const page = await request(`${app.url}/accounts/login/`);
  const csrf = cookiesOf(page.headers['set-cookie']).get('csrftoken') as string;
  const field = inputValue(await page.body.text(), 'csrfmiddlewaretoken') as string;
  const login = await request(`${app.url}/accounts/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrftoken=${csrf}`, origin: app.url },
    body: new URLSearchParams({ csrfmiddlewaretoken: field, username: 'alice', password: 'x' }).toString(),
  });
  t.equal(login.statusCode, 500);
  t.match(await login.body.text(), 'relation &quot;auth_user&quot; does not exist');
});
