/**
 * `django-session` profiles against a real PostgreSQL and the demo's Django-like login
 * (src/demo/django-auth/) on a real local server.
 */
import t from 'tap';
import type { AuthProfile, EndpointConfig } from '../../src/config/types.js';
import type { DjangoAuthOptions } from '../../src/demo/django-auth/handlers.js';
import { AUTH_TABLES_SQL, AUTH_USER_TABLE_SQL, DJANGO_SESSION_TABLE_SQL, createUserSql } from '../../src/demo/django-auth/tables.js';
import { LoginFailedError } from '../../src/errors.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { endpoint, httpConfig } from './helpers/config.js';
import { startDjangoApp, type DjangoApp } from './helpers/django-app.js';

stopSharedServerAtEnd(t);

const ALICE_PW = 'alice-Secret-42';
const ROOT_PW = 'root-Secret-77';

function profiles(overrides: { alicePassword?: string } = {}): Record<string, AuthProfile> {
  const base = { usernameField: 'username', passwordField: 'password' };
  return {
    member: { type: 'django-session', loginPath: '/accounts/login/', username: 'alice', password: overrides.alicePassword ?? ALICE_PW, ...base },
    admin: { type: 'django-session', loginPath: '/admin/login/', username: 'root', password: ROOT_PW, ...base },
  };
}

async function seedUsers(db: TestDatabase): Promise<void> {
  for (const user of [
    { username: 'alice', password: ALICE_PW },
    { username: 'root', password: ROOT_PW, isSuperuser: true },
  ]) {
    const q = createUserSql(user);
    await db.query(q.text, q.values);
  }
}

interface Site {
  db: TestDatabase;
  app: DjangoApp;
  round(endpoints: EndpointConfig[]): Promise<ProbeResult[]>;
}

async function site(
  t: { teardown(fn: () => unknown): void },
  options: { tables?: 'both' | 'users-only'; alicePassword?: string; concurrency?: number; auth?: Partial<Omit<DjangoAuthOptions, 'pool'>> } = {},
): Promise<Site> {
  const db = await createTestDatabase(t);
  await db.exec(options.tables === 'users-only' ? AUTH_USER_TABLE_SQL : AUTH_TABLES_SQL);
  await seedUsers(db);
  const app = await startDjangoApp(t, { databaseUrl: db.url, auth: options.auth });
  const client = createHttpClient({ baseUrl: app.url, http: httpConfig({ concurrency: options.concurrency ?? 4, retries: 1 }), retryMinTimeoutMs: 10 });
  t.teardown(() => client.close());
  const sessions = await createSessionManager({ auth: profiles(options), client });
  return { db, app, round: (endpoints) => probeEndpoints({ endpoints, client, sessions, keepBodies: 'all' }) };
}

t.test('member and superuser pages are probed logged in; one login per profile for the whole run', async (t) => {
  const { app, round } = await site(t);
  const endpoints = [
    endpoint({ name: 'me', path: '/me/', auth: 'member' }),
    endpoint({ name: 'admin', path: '/admin/', auth: 'admin' }),
    endpoint({ name: 'public', path: '/public/' }),
    endpoint({ name: 'me again', path: '/me/again/', auth: 'member' }),
  ];
  for (let n = 1; n <= 2; n++) {
    const results = await round(endpoints);
    t.same(results.map((r) => [r.endpoint, r.status, r.ok]), [
      ['me', 200, true],
      ['admin', 200, true],
      ['public', 200, true],
      ['me again', 200, true],
    ], `round ${n}`);
    t.match(results[0]?.body, '<h1>Hello alice</h1>');
    t.match(results[1]?.body, 'Site administration (root)');
  }
  t.equal(app.loginPosts('/accounts/login/'), 1, 'member logged in once over two rounds');
  t.equal(app.loginPosts('/admin/login/'), 1, 'admin logged in once over two rounds');
  t.same(app.publicCredentials, [], 'the anonymous endpoint got no cookie and no auth header');
});

t.test('a wrong password is a LoginFailedError naming the profile, not drift', async (t) => {
  const { round } = await site(t, { alicePassword: 'not-her-password' });
  const err = await round([endpoint({ path: '/me/', auth: 'member' })]).catch((e: unknown) => e);
  t.type(err, LoginFailedError);
  const failed = err as LoginFailedError;
  t.equal(failed.profile, 'member');
  t.equal(failed.exitCode, 3);
  t.match(failed.message, /auth profile "member"/);
  t.match(failed.message, 'Please enter a correct username and password');
  t.notOk(failed.message.includes('not-her-password'), 'the password is not in the message');
});

t.test('a login page broken by a missing django_session table is a finding; the next round logs in', async (t) => {
  const { db, round } = await site(t, { tables: 'users-only' });
  const endpoints = [endpoint({ path: '/me/', auth: 'member' }), endpoint({ path: '/me/again/', auth: 'member' })];

  const broken = await round(endpoints);
  for (const r of broken) {
    t.equal(r.status, 500);
    t.notOk(r.ok);
    t.match(r.reason, /^login page \/accounts\/login\/ answered 500/);
    t.match(r.body, 'relation &quot;django_session&quot; does not exist', "PostgreSQL's error is in the body for the cascade");
  }

  await db.exec(DJANGO_SESSION_TABLE_SQL); // what the repair does
  const repaired = await round(endpoints);
  t.same(repaired.map((r) => [r.status, r.ok]), [[200, true], [200, true]]);
});

t.test('an expired session is renewed once, shared by concurrent requests, and the request retried', async (t) => {
  const { db, app, round } = await site(t, { concurrency: 2 });
  const endpoints = [endpoint({ path: '/me/', auth: 'member' }), endpoint({ path: '/me/again/', auth: 'member' })];
  t.ok((await round(endpoints)).every((r) => r.ok));
  await db.exec('DELETE FROM django_session');

  const renewed = await round(endpoints);
  t.same(renewed.map((r) => [r.status, r.ok]), [[200, true], [200, true]]);
  t.same(renewed[0]?.attempts.map((a) => a.status), [302, 200], 'the redirect to the login page and the retry are both kept');
  t.equal(app.loginPosts('/accounts/login/'), 2, 'one initial login + one renewal for both endpoints');
});

t.test('a page that still redirects to the login page after one renewal is reported; no second renewal that round', async (t) => {
  const { app, round } = await site(t, { concurrency: 1 });
  const [first, second] = await round([
    endpoint({ path: '/always-login/', auth: 'member' }),
    endpoint({ path: '/always-login-2/', auth: 'member' }),
  ]);
  t.notOk(first?.ok);
  t.equal(first?.status, 302);
  t.match(first?.reason, /^redirected to \/accounts\/login\/\?next=%2Falways-login%2F — the "member" session is not logged in \(logged in again this round, still redirected\)$/);
  t.match(second?.reason, /— the "member" session is not logged in$/);
  t.equal(app.loginPosts('/accounts/login/'), 2, 'the initial login and a single renewal');
});

t.test('a POST endpoint sends the CSRF token Django rotated at login', async (t) => {
  const { app, round } = await site(t);
  const [result] = await round([endpoint({ path: '/me/settings/', method: 'POST', auth: 'member', body: 'theme=dark', headers: { 'content-type': 'application/x-www-form-urlencoded' } })]);
  t.equal(result?.status, 200);
  t.ok(result?.ok);
  t.equal(app.settingsTokens.length, 1);
  const preLogin = app.csrfCookiesSeen[0]; // the cookie sent with the login form
  t.ok(preLogin);
  t.not(app.settingsTokens[0], preLogin, 'not the pre-login token');
  t.equal(app.settingsTokens[0], app.csrfCookiesSeen.at(-1), 'the token matches the rotated cookie');
});

t.test("a 403 CSRF page's reason is reported", async (t) => {
  const { round } = await site(t);
  const [result] = await round([endpoint({ path: '/contact/', method: 'POST', body: 'msg=hi' })]);
  t.equal(result?.status, 403);
  t.equal(result?.reason, '403 CSRF verification failed. Request aborted. Reason given for failure: CSRF cookie not set.');
});

t.test('a login form refused by the CSRF origin check is a finding with Django\'s reason', async (t) => {
  // The app thinks it is served over https (a TLS proxy), the probe talks plain http to it.
  const { app, round } = await site(t, { auth: { isSecure: true } });
  const [result] = await round([endpoint({ path: '/me/', auth: 'member' })]);
  t.equal(result?.status, 403);
  t.notOk(result?.ok);
  t.equal(
    result?.reason,
    `login form /accounts/login/ refused with 403: CSRF verification failed. Request aborted. Reason given for failure: Origin checking failed - ${app.url} does not match any trusted origins.`,
  );
});

t.test('Secure cookies are kept on a loopback http origin, like browsers do', async (t) => {
  const { round } = await site(t, { auth: { secureCookies: true } });
  const [result] = await round([endpoint({ path: '/me/', auth: 'member' })]);
  t.equal(result?.status, 200);
});

t.test('no password, sessionid or csrftoken value appears in any result', async (t) => {
  const { db, app, round } = await site(t);
  const results = await round([
    endpoint({ path: '/me/', auth: 'member' }),
    endpoint({ path: '/admin/', auth: 'admin' }),
    endpoint({ path: '/debug/echo/', auth: 'member' }),
    endpoint({ path: '/me/settings/', method: 'POST', auth: 'member', body: '' }),
  ]);
  const sessionKeys = (await db.query<{ session_key: string }>('SELECT session_key FROM django_session')).map((r) => r.session_key);
  t.equal(sessionKeys.length, 2, 'both profiles hold a session');
  t.ok(app.csrfCookiesSeen.length > 0);
  const json = JSON.stringify(results);
  for (const secret of [ALICE_PW, ROOT_PW, ...sessionKeys, ...app.csrfCookiesSeen]) {
    t.notOk(json.includes(secret), 'a secret value is absent from the results');
  }
  // The debug page did echo the cookies: they were masked, not merely missing.
  t.match(results[2]?.body, /HTTP_COOKIE = .*sessionid=\*\*\*/);
});
