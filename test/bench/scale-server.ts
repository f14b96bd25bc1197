/**
 * The app scale.bench.ts probes, run as a CHILD PROCESS (fork) so the figures of the process under
 * test are its own. Every handler answers from memory: the server's own cost must not be what is
 * measured.
 *
 *   /p/<i>     200, a small HTML page
 *   /big/<i>   200, a page of argv[2] bytes (a passing page smoke-fix must not keep)
 *   /names     500, a body naming argv[3] distinct missing relations
 *
 * IPC: sends `{ port }` once listening; closes when the parent disconnects.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BIG_BYTES = Number(process.argv[2] ?? 1 << 20);
const NAMES = Number(process.argv[3] ?? 20_000);

const SMALL = Buffer.from('<!doctype html><title>ok</title><p>Hello from a healthy page.</p>\n');
const BIG = Buffer.alloc(BIG_BYTES, 'healthy page padding\n');
const NAMES_BODY = Buffer.from(
  Array.from({ length: NAMES }, (_, i) => `ERROR:  relation "m_${i}" does not exist`).join('\n') + '\n',
);

const server = createServer((req, res) => {
  req.resume();
  const url = req.url ?? '/';
  if (url.startsWith('/p/')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': SMALL.length });
    res.end(SMALL);
  } else if (url.startsWith('/big/')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': BIG.length });
    res.end(BIG);
  } else if (url === '/names') {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': NAMES_BODY.length });
    res.end(NAMES_BODY);
  } else {
    res.writeHead(404).end();
  }
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
});
