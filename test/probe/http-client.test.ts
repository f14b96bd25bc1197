import t from 'tap';
import { createHttpClient } from '../../src/probe/http-client.js';
import { TransportError } from '../../src/probe/transport.js';
import { httpConfig } from './helpers/config.js';
import { startServer } from './helpers/server.js';

const MiB = 1024 * 1024;
const PATTERN = 'abcdefghijklmnopqrstuvwxyz0123456789\n';

t.test('a 5 MiB body: only the cap is kept, the rest is not read', async (t) => {
  const server = await startServer(t, (req, res) => {
    if (req.url === '/big') {
      const body = PATTERN.repeat(Math.ceil((5 * MiB) / PATTERN.length)).slice(0, 5 * MiB);
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
      res.end(body);
    } else {
      res.end('small');
    }
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ concurrency: 1, maxBodyBytes: 64 * 1024 }) });
  t.teardown(() => client.close());

  const big = await client.send({ method: 'GET', path: '/big' });
  t.equal(big.status, 500);
  t.equal(big.body.length, 64 * 1024, 'exactly the cap is kept');
  t.ok(big.bodyTruncated);
  t.equal(big.body, PATTERN.repeat(2000).slice(0, 64 * 1024), 'the kept part is the start of the body');

  const small = await client.send({ method: 'GET', path: '/small' });
  t.equal(small.body, 'small');
  t.notOk(small.bodyTruncated);
  // Reading stops at the cap (a slow 100 MB body is not waited for): that connection is closed.
  t.equal(server.connections(), 2, 'the big body was abandoned with its connection');
});

t.test('the timeout covers the headers', async (t) => {
  const server = await startServer(t, () => {
    /* never answers; teardown closes the socket */
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ timeoutMs: 200 }) });
  t.teardown(() => client.close());
  const started = Date.now();
  const err = await client.send({ method: 'GET', path: '/' }).catch((e: unknown) => e);
  t.type(err, TransportError);
  t.equal((err as TransportError).code, 'TIMEOUT');
  t.ok(Date.now() - started < 2000, 'gave up near the deadline');
});

t.test('the timeout covers a body that trickles in forever; what arrived is kept', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    // A byte every 20 ms: undici's per-chunk body timeout alone would never fire.
    const timer = setInterval(() => res.write('x'), 20);
    res.on('close', () => clearInterval(timer));
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ timeoutMs: 300 }) });
  t.teardown(() => client.close());
  const started = Date.now();
  const res = await client.send({ method: 'GET', path: '/' });
  t.equal(res.status, 200);
  t.match(res.body, /^x+$/, 'the bytes that came before the deadline');
  t.ok(res.bodyTruncated, 'marked as cut');
  t.ok(Date.now() - started < 2000);
});

t.test("the run's stop signal ends every request in flight at once, and no new one is sent", async (t) => {
  const hits: string[] = [];
  const server = await startServer(t, (req) => {
    hits.push(req.url ?? '');
    /* never answers; teardown closes the socket */
  });
  const stop = new AbortController();
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ concurrency: 2, timeoutMs: 30_000 }), signal: stop.signal });
  t.teardown(() => client.close());
  const started = Date.now();
  const inFlight = [client.send({ method: 'GET', path: '/a' }), client.send({ method: 'GET', path: '/b' })].map((p) => p.catch((e: unknown) => e));
  while (hits.length < 2 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
  stop.abort('SIGTERM');
  for (const err of await Promise.all(inFlight)) {
    t.type(err, TransportError);
    t.equal((err as TransportError).code, 'ABORTED');
    t.match((err as TransportError).message, /stopped \(SIGTERM\)/);
    t.ok((err as TransportError).requestId, 'the ledger id is kept for the report');
  }
  t.ok(Date.now() - started < 5000, 'not the 30 s deadline');
  const late = await client.send({ method: 'GET', path: '/c' }).catch((e: unknown) => e);
  t.equal((late as TransportError).code, 'ABORTED');
  await new Promise((r) => setTimeout(r, 100));
  t.same(hits, ['/a', '/b'], 'the request after the stop never left');
});

t.test('redirects are returned, never followed', async (t) => {
  const hits: string[] = [];
  const server = await startServer(t, (req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/from') res.writeHead(302, { location: '/to' }).end();
    else res.end('target');
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig() });
  t.teardown(() => client.close());
  const res = await client.send({ method: 'GET', path: '/from' });
  t.equal(res.status, 302);
  t.equal(res.location, '/to');
  t.same(hits, ['/from'], 'the redirect target was never requested');
});

t.test('bodies are decoded as UTF-8 unless the content-type names a charset', async (t) => {
  const server = await startServer(t, (req, res) => {
    if (req.url === '/latin1') {
      res.writeHead(500, { 'content-type': 'text/plain; charset=ISO-8859-1' }).end(Buffer.from('la relation « café » n\'existe pas', 'latin1'));
    } else {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(Buffer.from('Relation »café« existiert nicht', 'utf8'));
    }
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig() });
  t.teardown(() => client.close());
  t.equal((await client.send({ method: 'GET', path: '/latin1' })).body, 'la relation « café » n\'existe pas');
  t.equal((await client.send({ method: 'GET', path: '/utf8' })).body, 'Relation »café« existiert nicht');
});

t.test('a base URL path prefix is kept and http.headers are sent', async (t) => {
  const seen: Array<{ url: string | undefined; header: string | undefined }> = [];
  const server = await startServer(t, (req, res) => {
    seen.push({ url: req.url, header: req.headers['x-smoke'] as string | undefined });
    res.end('ok');
  });
  const client = createHttpClient({ baseUrl: `${server.url}/app/`, http: httpConfig({ headers: { 'X-Smoke': 'yes' } }) });
  t.teardown(() => client.close());
  await client.send({ method: 'GET', path: '/page/' });
  t.same(seen, [{ url: '/app/page/', header: 'yes' }]);
});
