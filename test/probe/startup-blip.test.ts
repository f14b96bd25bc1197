/**
 * An app that refuses connections for a few seconds (a restart during a deploy) is waited for by
 * the default retry window, not reported down (issue 9). POST keeps its rule: only a refused
 * connection, which certainly never reached the app, is sent again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { DEFAULTS } from '../../src/config/defaults.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import { endpoint, httpConfig } from './helpers/config.js';

/** A free port now, and a server that starts listening on it after `delayMs`. */
async function lateServer(t: { teardown(fn: () => unknown): void }, delayMs: number): Promise<{ url: string; hits: () => number }> {
  const probeServer = createServer();
  await new Promise<void>((resolve) => probeServer.listen(0, '127.0.0.1', resolve));
  const port = (probeServer.address() as AddressInfo).port;
  await new Promise((resolve) => probeServer.close(resolve));
  let hits = 0;
  let server: Server | undefined;
  const timer = setTimeout(() => {
    server = createServer((req, res) => {
      hits++;
      req.resume();
      res.end('up');
    }).listen(port, '127.0.0.1');
  }, delayMs);
  t.teardown(() => {
    clearTimeout(timer);
    server?.closeAllConnections();
    return new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });
  return { url: `http://127.0.0.1:${port}`, hits: () => hits };
}

async function probeOnce(t: { teardown(fn: () => unknown): void }, url: string, retryWindowMs: number, method: 'GET' | 'POST' = 'GET') {
  const client = createHttpClient({ baseUrl: url, http: httpConfig({ retryWindowMs }) });
  t.teardown(() => client.close());
  const [r] = await probeEndpoints({
    endpoints: [endpoint({ path: '/', method, ...(method === 'POST' ? { body: 'x=1' } : {}) })],
    client,
    sessions: await createSessionManager({ auth: {}, client }),
  });
  return r!;
}

t.test('the default window carries an app that starts listening 4 s late (GET and POST)', async (t) => {
  t.ok(DEFAULTS.http.retryWindowMs >= 5000, 'the default tolerance is a few seconds');
  const get = await lateServer(t, 4000);
  const post = await lateServer(t, 3000);
  const [g, p] = await Promise.all([probeOnce(t, get.url, DEFAULTS.http.retryWindowMs), probeOnce(t, post.url, DEFAULTS.http.retryWindowMs, 'POST')]);
  t.equal(g.status, 200, `GET answered after ${g.attempts.length} attempts`);
  t.ok(g.attempts.length > DEFAULTS.http.retries + 1, 'more attempts than `retries` alone gives');
  t.ok(g.attempts.slice(0, -1).every((a) => a.failure?.code === 'ECONNREFUSED'));
  t.equal(p.status, 200, 'a refused POST never arrived, so it is sent again');
  t.equal(post.hits(), 1, 'and arrives once');
});

t.test('without the window, `retries` alone gives up before the app is up', async (t) => {
  const late = await lateServer(t, 4000);
  const r = await probeOnce(t, late.url, 0);
  t.equal(r.status, null);
  t.equal(r.failure?.code, 'ECONNREFUSED');
});
