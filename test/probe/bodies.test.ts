/**
 * Bodies as apps send them (issue 9): compressed, slow, huge. The database error at the top of the
 * page is what counts, and it must survive every one of these.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { DEFAULTS } from '../../src/config/defaults.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import type { HttpConfig } from '../../src/config/types.js';
import { endpoint, httpConfig } from './helpers/config.js';
import { startServer } from './helpers/server.js';

const ERROR = 'ProgrammingError at /teams/\nrelation "teams_membership" does not exist\nLINE 1: SELECT * FROM "teams_membership"';

async function probe(t: { teardown(fn: () => unknown): void }, url: string, http: HttpConfig, method = 'GET') {
  const client = createHttpClient({ baseUrl: url, http, retryMinTimeoutMs: 50 });
  t.teardown(() => client.close());
  const [r] = await probeEndpoints({ endpoints: [endpoint({ path: '/', method: method as 'GET' })], client, sessions: await createSessionManager({ auth: {}, client }) });
  return r!;
}

const CODINGS: Array<[string, (b: Buffer) => Buffer]> = [
  ['gzip', gzipSync],
  ['deflate', deflateSync],
  ['br', brotliCompressSync],
];

for (const [coding, compress] of CODINGS) {
  t.test(`a ${coding} body is decoded before diagnosis; Accept-Encoding says we can`, async (t) => {
    let accepted = '';
    const server = await startServer(t, (req, res) => {
      accepted = String(req.headers['accept-encoding']);
      res.writeHead(500, { 'content-type': 'text/plain', 'content-encoding': coding }).end(compress(Buffer.from(ERROR)));
    });
    const r = await probe(t, server.url, httpConfig());
    t.match(accepted, new RegExp(`\\b${coding}\\b`));
    t.equal(r.body, ERROR);
    t.match(diagnose(r.body, { contentType: r.contentType }), [{ kind: 'missing-relation', name: 'teams_membership' }]);
  });
}

t.test('a gzip bomb is capped by decoded bytes', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.writeHead(500, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.concat([Buffer.from(ERROR + '\n'), Buffer.alloc(50 * 1024 * 1024, 0x20)])));
  });
  const r = await probe(t, server.url, httpConfig({ maxBodyBytes: 64 * 1024 }));
  t.equal(r.body.length, 64 * 1024);
  t.ok(r.bodyTruncated);
  t.match(r.body, /teams_membership/);
});

t.test('a 100 MB body: the error in its first bytes is kept, and reading stops at the cap', async (t) => {
  let written = 0;
  const server = await startServer(t, (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain', 'content-length': String(100 * 1024 * 1024) });
    res.write(ERROR + '\n');
    written = ERROR.length + 1;
    const chunk = Buffer.alloc(64 * 1024, 0x2e);
    const more = () => {
      while (written + chunk.length <= 100 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    more();
  });
  const started = performance.now();
  const r = await probe(t, server.url, httpConfig());
  t.equal(r.status, 500);
  t.ok(r.bodyTruncated);
  t.equal(Buffer.byteLength(r.body), DEFAULTS.http.maxBodyBytes, 'exactly the cap was kept');
  t.match(diagnose(r.body, { contentType: r.contentType }), [{ kind: 'missing-relation', name: 'teams_membership' }]);
  t.ok(written < 100 * 1024 * 1024, `the client stopped reading: the server could write only ${written} bytes`);
  t.comment(`100 MB body: ${(performance.now() - started).toFixed(0)} ms, ${written} bytes sent before the client stopped`);
});

t.test('a slow body that outlasts the deadline: the part read counts', async (t) => {
  const server = await startServer(t, (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.write(ERROR + '\n');
    const timer = setInterval(() => res.write('.'.repeat(100)), 50);
    res.on('close', () => clearInterval(timer));
  });
  const r = await probe(t, server.url, httpConfig({ timeoutMs: 500 }));
  t.equal(r.status, 500, 'an answer, not a timeout failure');
  t.ok(r.bodyTruncated);
  t.match(diagnose(r.body, { contentType: r.contentType }), [{ kind: 'missing-relation', name: 'teams_membership' }]);
});
