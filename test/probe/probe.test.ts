import t from 'tap';
import type { AuthProfile } from '../../src/config/types.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { endpoint, httpConfig } from './helpers/config.js';
import { startServer } from './helpers/server.js';

async function setup(t: { teardown(fn: () => unknown): void }, baseUrl: string, options: { concurrency?: number; auth?: Record<string, AuthProfile> } = {}) {
  const client = createHttpClient({ baseUrl, http: httpConfig({ concurrency: options.concurrency ?? 8, retries: 0 }) });
  t.teardown(() => client.close());
  return { client, sessions: await createSessionManager({ auth: options.auth ?? {}, client }) };
}

/**
 * A server that holds each request until `expected` are in flight at once (or a second passed),
 * then a little longer: a client that sends more than `expected` at once is caught in the act,
 * and a slow machine cannot make the test see fewer.
 */
async function inFlightServer(t: { teardown(fn: () => unknown): void }, expected: number) {
  let inFlight = 0;
  let max = 0;
  const waiting: Array<() => void> = [];
  const server = await startServer(t, async (req, res) => {
    inFlight++;
    max = Math.max(max, inFlight);
    if (inFlight >= expected) waiting.splice(0).forEach((release) => release());
    else await new Promise<void>((resolve) => {
      waiting.push(resolve);
      setTimeout(resolve, 1000);
    });
    // Later paths are held shorter, so answers complete out of endpoint order.
    const n = Number(req.url?.split('/').pop());
    await new Promise((r) => setTimeout(r, 30 + Math.max(0, 12 - n) * 10));
    inFlight--;
    res.end(`answer to ${req.url}`);
  });
  return { url: server.url, maxInFlight: () => max };
}

t.test('at most http.concurrency requests are in flight; results keep endpoint order', async (t) => {
  const server = await inFlightServer(t, 3);
  const { client, sessions } = await setup(t, server.url, { concurrency: 3 });
  // Expecting 201 makes every answer a failure, so its body is kept and shows which answer went where.
  const endpoints = Array.from({ length: 12 }, (_, i) => endpoint({ name: `page ${i}`, path: `/p/${i}`, expect: [201] }));
  const streamed: string[] = [];
  const results = await probeEndpoints({ endpoints, client, sessions, onResult: (r) => streamed.push(r.endpoint) });
  t.equal(server.maxInFlight(), 3, 'the server never saw more than 3 requests at once, and did see 3');
  t.same(results.map((r) => r.endpoint), endpoints.map((e) => e.name));
  t.same(results.map((r) => r.body), endpoints.map((e) => `answer to ${e.path}`));
  t.equal(streamed.length, 12, 'onResult saw every endpoint');
  t.not(streamed[0], 'page 0', 'answers did complete out of order');
  t.ok(results.every((r) => !r.ok && r.status === 200));
});

t.test('nothing of a passing page is kept; a failing page keeps its body for diagnosis', async (t) => {
  const server = await startServer(t, (req, res) => {
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end(`${'x'.repeat(4096)} body of ${req.url}`);
  });
  const { client, sessions } = await setup(t, server.url);
  const [pass, fail] = await probeEndpoints({ endpoints: [endpoint({ path: '/pass' }), endpoint({ path: '/fail' })], client, sessions });
  t.equal(pass?.ok, true);
  t.equal(pass?.body, '', 'a passing page is not kept (10,000 pages of 1 MiB would be 10 GB)');
  t.equal(fail?.ok, false);
  t.match(fail?.body, /body of \/fail$/);
  const [kept] = await probeEndpoints({ endpoints: [endpoint({ path: '/pass' })], client, sessions, keepBodies: 'all' });
  t.match(kept?.body, /body of \/pass$/, 'keepBodies: all keeps it for a caller that reads passing pages');
});

t.test('probeEndpoints bounds its own concurrency below a larger connection pool', async (t) => {
  const server = await inFlightServer(t, 2);
  const { client, sessions } = await setup(t, server.url, { concurrency: 8 });
  const endpoints = Array.from({ length: 8 }, (_, i) => endpoint({ path: `/q/${i}` }));
  await probeEndpoints({ endpoints, client, sessions, concurrency: 2 });
  t.equal(server.maxInFlight(), 2);
});

t.test('an expected 302 is ok; an unexpected one is reported, and not followed', async (t) => {
  const hits: string[] = [];
  const server = await startServer(t, (req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/old/' || req.url === '/moved/') res.writeHead(302, { location: '/new/' }).end();
    else res.end('new');
  });
  const { client, sessions } = await setup(t, server.url);
  const [expected, unexpected] = await probeEndpoints({
    endpoints: [endpoint({ path: '/old/', expect: [302] }), endpoint({ path: '/moved/' })],
    client,
    sessions,
  });
  t.equal(expected?.status, 302);
  t.ok(expected?.ok);
  t.equal(expected?.reason, undefined);
  t.equal(unexpected?.status, 302);
  t.notOk(unexpected?.ok);
  t.equal(unexpected?.reason, 'redirected to /new/');
  t.equal(unexpected?.location, '/new/');
  t.notOk(hits.includes('/new/'), 'the target of the redirect was never requested');
});

t.test('bearer, basic and header profiles reach the server; anonymous requests carry no credentials', async (t) => {
  const seen = new Map<string, { authorization?: string; cookie?: string; key?: string }>();
  const server = await startServer(t, (req, res) => {
    seen.set(req.url ?? '', {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      key: req.headers['x-api-key'] as string | undefined,
    });
    // A debug page that echoes the credentials it got: they must not reach the results.
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`Authorization: ${req.headers.authorization ?? ''} X-Api-Key: ${req.headers['x-api-key'] ?? ''}`);
  });
  const auth: Record<string, AuthProfile> = {
    api: { type: 'bearer', token: 'tok-3f9a8b7c6d' },
    ops: { type: 'basic', username: 'ops', password: 'pw-91c2e7' },
    svc: { type: 'header', name: 'X-Api-Key', value: 'key-5e6f7a8b' },
  };
  const { client, sessions } = await setup(t, server.url, { auth });
  const results = await probeEndpoints({
    endpoints: [
      endpoint({ path: '/bearer', auth: 'api' }),
      endpoint({ path: '/basic', auth: 'ops' }),
      endpoint({ path: '/header', auth: 'svc' }),
      endpoint({ path: '/anonymous' }),
    ],
    client,
    sessions,
  });
  t.equal(seen.get('/bearer')?.authorization, 'Bearer tok-3f9a8b7c6d');
  t.equal(seen.get('/basic')?.authorization, `Basic ${Buffer.from('ops:pw-91c2e7').toString('base64')}`);
  t.equal(seen.get('/header')?.key, 'key-5e6f7a8b');
  t.same(seen.get('/anonymous'), { authorization: undefined, cookie: undefined, key: undefined });
  t.equal(results[0]?.auth, 'api');

  const json = JSON.stringify(results);
  for (const secret of ['tok-3f9a8b7c6d', 'pw-91c2e7', Buffer.from('ops:pw-91c2e7').toString('base64'), 'key-5e6f7a8b']) {
    t.notOk(json.includes(secret), `results never contain ${secret.slice(0, 4)}…`);
  }
  t.equal(results[0]?.body, 'Authorization: Bearer *** X-Api-Key: ', 'the echoed token was masked');
});

t.test('an anonymous endpoint that lands on a login page says so', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.writeHead(302, { location: 'http://' + _req.headers.host + '/accounts/login/?next=/me/' }).end();
  });
  const auth: Record<string, AuthProfile> = {
    member: { type: 'django-session', loginPath: '/accounts/login/', username: 'alice', password: 'x', usernameField: 'username', passwordField: 'password' },
  };
  const { client, sessions } = await setup(t, server.url, { auth });
  const [result] = (await probeEndpoints({ endpoints: [endpoint({ path: '/me/' })], client, sessions })) as [ProbeResult];
  t.notOk(result.ok);
  t.match(result.reason, /^redirected to http:\/\/.*\/accounts\/login\/\?next=\/me\/ — the login page of auth profile "member": this endpoint is probed without a session/);
});
