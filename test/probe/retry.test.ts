import t from 'tap';
import { createHttpClient } from '../../src/probe/http-client.js';
import { sendWithRetries } from '../../src/probe/retry.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import type { HttpConfig } from '../../src/config/types.js';
import { endpoint, httpConfig } from './helpers/config.js';
import { closedPort, startServer } from './helpers/server.js';

async function probeOnce(t: { teardown(fn: () => unknown): void }, baseUrl: string, http: Partial<HttpConfig>, path = '/') {
  const client = createHttpClient({ baseUrl, http: httpConfig(http), retryMinTimeoutMs: 10 });
  t.teardown(() => client.close());
  const sessions = await createSessionManager({ auth: {}, client });
  const [result] = await probeEndpoints({ endpoints: [endpoint({ path })], client, sessions, keepBodies: 'all' });
  if (!result) throw new Error('no result');
  return result;
}

t.test('503 twice, then 200: retried, every attempt kept', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_req, res) => {
    hits++;
    if (hits <= 2) res.writeHead(503, { 'retry-after': '0' }).end('Service Unavailable');
    else res.end('up again');
  });
  const result = await probeOnce(t, server.url, { retries: 3 });
  t.equal(result.status, 200);
  t.ok(result.ok);
  t.same(result.attempts.map((a) => a.status), [503, 503, 200]);
  t.equal(result.attempts[0]?.failure?.code, 'HTTP_503');
  t.equal(result.attempts[2]?.failure, undefined);
  t.equal(result.body, 'up again');
  t.equal(hits, 3);
});

t.test('a 500 is never retried: it is the finding', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_req, res) => {
    hits++;
    res.writeHead(500, { 'content-type': 'text/plain' }).end('relation "user_profile_about_item" does not exist');
  });
  const result = await probeOnce(t, server.url, { retries: 3 });
  t.equal(hits, 1);
  t.equal(result.status, 500);
  t.notOk(result.ok);
  t.equal(result.attempts.length, 1);
  t.equal(result.reason, '500');
  t.match(result.body, 'relation "user_profile_about_item" does not exist');
});

t.test('a 503 that outlasts the retries is reported with its status', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_req, res) => {
    hits++;
    res.writeHead(503).end('down');
  });
  const result = await probeOnce(t, server.url, { retries: 2 });
  t.equal(hits, 3);
  t.equal(result.status, 503);
  t.notOk(result.ok);
  t.equal(result.failure?.code, 'HTTP_503');
  t.equal(result.reason, '503 (after 3 attempts)');
});

t.test('a reset connection is retried', async (t) => {
  let hits = 0;
  const server = await startServer(t, (req, res) => {
    hits++;
    if (hits === 1) req.socket.destroy();
    else res.end('fine');
  });
  const result = await probeOnce(t, server.url, { retries: 2 });
  t.equal(result.status, 200);
  t.same(result.attempts.map((a) => a.status), [null, 200]);
  t.equal(result.attempts[0]?.failure?.code, 'ECONNRESET');
});

t.test('a refused port: status null after the retries, failure kept', async (t) => {
  const port = await closedPort();
  const result = await probeOnce(t, `http://127.0.0.1:${port}`, { retries: 2 });
  t.equal(result.status, null);
  t.notOk(result.ok);
  t.equal(result.attempts.length, 3);
  t.ok(result.attempts.every((a) => a.status === null && a.failure?.code === 'ECONNREFUSED'));
  t.equal(result.failure?.code, 'ECONNREFUSED');
  t.match(result.reason, /^ECONNREFUSED: .*\(after 3 attempts\)$/);
  t.equal(result.body, '');
});

t.test('a POST that may have arrived is never sent twice; a refused one is', async (t) => {
  let hits = 0;
  const server = await startServer(t, (req, res) => {
    hits++;
    req.resume();
    if (hits === 1) req.socket.destroy(); // the app may have acted before the connection dropped
    else res.end('fine');
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ retries: 3 }), retryMinTimeoutMs: 10 });
  t.teardown(() => client.close());
  const sessions = await createSessionManager({ auth: {}, client });
  const [reset] = await probeEndpoints({ endpoints: [endpoint({ path: '/', method: 'POST', body: 'x=1' })], client, sessions });
  t.equal(hits, 1, 'not resent after a reset');
  t.equal(reset?.status, null);
  t.equal(reset?.failure?.code, 'ECONNRESET');

  const gateway = await startServer(t, (req, res) => {
    req.resume();
    res.writeHead(503).end('down');
  });
  const gwClient = createHttpClient({ baseUrl: gateway.url, http: httpConfig({ retries: 3 }), retryMinTimeoutMs: 10 });
  t.teardown(() => gwClient.close());
  const [posted] = await probeEndpoints({
    endpoints: [endpoint({ path: '/', method: 'POST', body: 'x=1' })],
    client: gwClient,
    sessions: await createSessionManager({ auth: {}, client: gwClient }),
  });
  t.equal(posted?.attempts.length, 1, 'a 503 to a POST is reported, not resent');

  const port = await closedPort();
  const refusedClient = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, http: httpConfig({ retries: 2 }), retryMinTimeoutMs: 10 });
  t.teardown(() => refusedClient.close());
  const [refused] = await probeEndpoints({
    endpoints: [endpoint({ path: '/', method: 'POST', body: 'x=1' })],
    client: refusedClient,
    sessions: await createSessionManager({ auth: {}, client: refusedClient }),
  });
  t.equal(refused?.attempts.length, 3, 'a refused connection never reached the app: retried');
});

t.test('a stop that arrives while a POST gets a 503 keeps the answer: p-retry ends on it before it looks at the stop', async (t) => {
  const stop = new AbortController();
  let hits = 0;
  const server = await startServer(t, (req, res) => {
    hits++;
    req.resume();
    stop.abort('SIGINT'); // during the first attempt, before its answer
    res.writeHead(503).end('restarting');
  });
  // The client does not listen to this stop: only the retry policy does, as when the stop comes
  // between the answer and the decision to retry.
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ retries: 3 }) });
  t.teardown(() => client.close());
  const exchange = await sendWithRetries({
    send: client.send,
    request: { method: 'POST', path: '/', body: 'x' },
    policy: { retries: 3, minTimeoutMs: 10, signal: stop.signal },
  });
  t.equal(hits, 1, 'a POST is not sent again after a 503');
  t.equal(exchange.response?.status, 503, 'the answer is kept');
  t.equal(exchange.failure?.code, 'HTTP_503', 'and reported as what it was, not as the stop');
});
