/**
 * One bad endpoint is that endpoint's failure (issue 9): an answer that is not HTTP, a 200 KB
 * header, conflicting Content-Length, an untrusted TLS certificate. Real sockets, a real https
 * server with a certificate made here by `openssl`; the run goes on and says why.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig, validateConfigText } from '../../src/config/load.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { probeEndpoints } from '../../src/probe/probe.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { endpoint, httpConfig } from './helpers/config.js';
import { startServer } from './helpers/server.js';

stopSharedServerAtEnd(t);

type Teardownable = { teardown(fn: () => unknown): void };

/** A TCP server that answers the first bytes of any request with `reply` (raw bytes, not HTTP). */
async function rawServer(t: Teardownable, reply: (socket: Socket) => void): Promise<string> {
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => reply(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
async function selfSigned(t: Teardownable): Promise<{ key: string; cert: string; certFile: string }> {
  const dir = await tempDir(t);
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

async function httpsServer(t: Teardownable, tls: { key: string; cert: string }): Promise<string> {
  const server = createHttpsServer(tls, (_req, res) => res.writeHead(500).end('relation "tls_table" does not exist'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function probeOnce(t: Teardownable, baseUrl: string, http = httpConfig({ retries: 2 })) {
  const client = createHttpClient({ baseUrl, http, retryMinTimeoutMs: 10 });
  t.teardown(() => client.close());
  const [result] = await probeEndpoints({ endpoints: [endpoint({ path: '/' })], client, sessions: await createSessionManager({ auth: {}, client }) });
  return result!;
}

const BAD_ANSWERS: Array<[string, (s: Socket) => void, RegExp]> = [
  ['a reply that is not HTTP', (s) => s.end('SSH-2.0-OpenSSH_9.6\r\n'), /not valid HTTP/],
  [
    'a 200 KB header',
    (s) => s.end(`HTTP/1.1 500 Internal Server Error\r\nX-Big: ${'a'.repeat(200 * 1024)}\r\nContent-Length: 0\r\n\r\n`),
    /headers are larger than/,
  ],
  [
    'conflicting Content-Length',
    (s) => s.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nContent-Length: 10\r\n\r\nhello'),
    /Content-Length/,
  ],
];

for (const [what, reply, reason] of BAD_ANSWERS) {
  t.test(`${what}: that endpoint fails with a clear reason, sent once`, async (t) => {
    let requests = 0;
    const url = await rawServer(t, (s) => {
      requests++;
      reply(s);
    });
    const r = await probeOnce(t, url);
    t.equal(r.ok, false);
    t.equal(r.status, null);
    t.equal(r.failure?.code, 'BAD_HTTP');
    t.match(r.reason, reason);
    t.equal(requests, 1, 'not retried: the same bytes would come back');
  });
}

t.test('a self-signed certificate: the endpoint fails with the TLS reason and what to do', async (t) => {
  const url = await httpsServer(t, await selfSigned(t));
  const r = await probeOnce(t, url);
  t.equal(r.status, null);
  t.equal(r.failure?.code, 'TLS');
  t.match(r.reason, /self[- ]signed certificate/);
  t.match(r.reason, /http\.caFile/);
  t.equal(r.attempts.length, 1, 'not retried');
});

t.test('http.caFile trusts that certificate; http.insecure trusts any', async (t) => {
  const tls = await selfSigned(t);
  const url = await httpsServer(t, tls);
  const trusted = await probeOnce(t, url, httpConfig({ caFile: tls.certFile }));
  t.equal(trusted.status, 500, 'the answer came through');
  t.match(trusted.body, /tls_table/);
  const insecure = await probeOnce(t, url, httpConfig({ insecure: true }));
  t.equal(insecure.status, 500);
});

t.test('http.caFile that is missing or not PEM is a config error at its line:col', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'not.pem'), 'hello');
  const yaml = (ca: string) =>
    `baseUrl: https://127.0.0.1:1\ndatabase: { url: "postgres://u@127.0.0.1/db" }\nendpoints: [/]\nhttp:\n  caFile: ${ca}\n`;
  const missing = validateConfigText(yaml('certs/none.pem'), { file: join(dir, 'c.yaml'), env: {} });
  t.equal(missing.problems.length, 1);
  t.match(missing.problems[0], { line: 5, col: 11, path: 'http.caFile', message: /no such file.*PEM/ });
  const notPem = validateConfigText(yaml('not.pem'), { file: join(dir, 'c.yaml'), env: {} });
  t.match(notPem.problems[0], { line: 5, path: 'http.caFile', message: /no PEM certificate/ });
});

t.test('a spaces or CR/LF in an endpoint path is a validate error at its line:col', async (t) => {
  const dir = await tempDir(t);
  const yaml = 'baseUrl: http://127.0.0.1:1\ndatabase: { url: "postgres://u@127.0.0.1/db" }\nendpoints:\n  - "/a b"\n  - { path: "/x\\r\\nX-Injected: 1" }\n';
  const { problems } = validateConfigText(yaml, { file: join(dir, 'c.yaml'), env: {} });
  t.equal(problems.length, 2, JSON.stringify(problems));
  t.match(problems[0], { line: 4, message: /spaces or control characters.*%20/ });
  t.match(problems[1], { line: 5, message: /spaces or control characters/ });
});

t.test('the run goes on: bad endpoints are red with their reasons, the good one passes, exit 1', async (t) => {
  const db = await createTestDatabase(t);
  // One origin: /ok answers, the others write raw bytes on the socket instead of an HTTP answer.
  const server = await startServer(t, (req, res) => {
    if (req.url === '/ok') return res.end('ok');
    const raw =
      req.url === '/not-http'
        ? 'SSH-2.0-OpenSSH_9.6\r\n'
        : `HTTP/1.1 500 Internal Server Error\r\nX-Big: ${'a'.repeat(200 * 1024)}\r\nContent-Length: 0\r\n\r\n`;
    req.socket.end(raw);
  });
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `baseUrl: ${server.url}\ndatabase: { url: "${db.url}" }\nendpoints: [/ok, /not-http, /big-header]\nhttp: { insecure: true }\nreport: { dir: reports }\n`,
  );
  const out = await runWithConfig({ config: await loadConfig(file, {}), reportDir: join(dir, 'reports') });
  t.equal(out.result.outcome, 'stuck', out.result.reason);
  t.equal(out.result.exitCode, 1);
  const probes = out.result.rounds[0]!.probes;
  t.match(probes, [
    { endpoint: '/ok', ok: true, status: 200 },
    { endpoint: '/not-http', ok: false, status: null, reason: /not valid HTTP/ },
    { endpoint: '/big-header', ok: false, status: null, reason: /headers are larger/ },
  ]);
  const md = readFileSync(join(out.reportDir, 'report.md'), 'utf8');
  t.match(md, /not valid HTTP/, 'report.md gives the reason');
  t.match(md, /http\.insecure is on/, 'report.md says TLS checks were off');
});
