/**
 * Every request smoke-fix makes carries an identity the app can log: a unique `X-Request-Id`
 * (`sf-<run id>-<n>`) and a `User-Agent` naming smoke-fix and its version, login GETs and POSTs
 * included; the probe result records each request's id, method, path and time window.
 */
import t from 'tap';
import { AUTH_TABLES_SQL, createUserSql } from '../../src/demo/django-auth/tables.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { RequestLedger } from '../../src/probe/request-ledger.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import { VERSION } from '../../src/version.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { endpoint, httpConfig } from './helpers/config.js';
import { startDjangoApp } from './helpers/django-app.js';

stopSharedServerAtEnd(t);

const PASSWORD = 'alice-Secret-42';

t.test('each request, login GET and POST included, has its own id and a smoke-fix User-Agent', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(AUTH_TABLES_SQL);
  const user = createUserSql({ username: 'alice', password: PASSWORD });
  await db.query(user.text, user.values);
  const app = await startDjangoApp(t, { databaseUrl: db.url });
  const ledger = new RequestLedger();
  const client = createHttpClient({ baseUrl: app.url, http: httpConfig({ concurrency: 2, retries: 0 }), ledger });
  t.teardown(() => client.close());
  const sessions = await createSessionManager({
    auth: { member: { type: 'django-session', loginPath: '/accounts/login/', username: 'alice', password: PASSWORD, usernameField: 'username', passwordField: 'password' } },
    client,
  });
  const before = Date.now();
  const results = await probeEndpoints({
    endpoints: [endpoint({ name: 'me', path: '/me/', auth: 'member' }), endpoint({ name: 'public', path: '/public/' })],
    client,
    sessions,
  });
  const after = Date.now();

  t.same(app.received.map((r) => `${r.method} ${r.path}`).sort(), ['GET /accounts/login/', 'GET /me/', 'GET /public/', 'POST /accounts/login/'], 'the app saw the login and both pages');
  const ids = app.received.map((r) => r.requestId);
  t.ok(ids.every((id) => id !== undefined && new RegExp(`^sf-${ledger.runId}-\\d+$`).test(id)), `every request carries sf-<run id>-<n>: ${ids.join(', ')}`);
  t.equal(new Set(ids).size, ids.length, 'no two requests share an id');
  t.ok(app.received.every((r) => r.userAgent === `smoke-fix/${VERSION}`), `User-Agent smoke-fix/${VERSION}`);

  const login = ledger.all().filter((r) => r.purpose?.kind === 'login');
  t.same(login.map((r) => `${r.method} ${r.path}`), ['GET /accounts/login/', 'POST /accounts/login/'], 'the ledger knows the login requests as the login of the profile');
  for (const r of ledger.all()) {
    t.ok(r.startMs >= before && r.endMs !== undefined && r.endMs >= r.startMs && r.endMs <= after, `${r.id} has a time window inside the round`);
  }

  const me = results.find((r) => r.endpoint === 'me')!;
  t.equal(me.requests?.length, 1, 'the result records its request');
  const sent = me.requests![0]!;
  t.equal(sent.method, 'GET');
  t.equal(sent.path, '/me/');
  t.equal(sent.id, app.received.find((r) => r.path === '/me/')?.requestId, 'with the id the app received');
  t.ok(Date.parse(sent.startedAt) <= Date.parse(sent.endedAt!), 'and its start and end time');
  t.equal(me.attempts[0]?.requestId, sent.id, 'the attempt names the id too');
  t.equal(me.endedAt, sent.endedAt);
});

t.test('a configured header cannot replace the request id', async (t) => {
  const db = await createTestDatabase(t);
  const app = await startDjangoApp(t, { databaseUrl: db.url });
  const client = createHttpClient({ baseUrl: app.url, http: httpConfig({ retries: 0, headers: { 'X-Request-Id': 'forged' } }) });
  t.teardown(() => client.close());
  await client.send({ method: 'GET', path: '/public/' });
  t.match(app.received[0]?.requestId, new RegExp(`^sf-${client.ledger.runId}-1$`));
});
