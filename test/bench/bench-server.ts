/**
 * The HTTP server probe.bench.ts measures against, run as a CHILD PROCESS (node:child_process
 * fork) so the benchmark's memory figures are those of the probing process alone: a server in the
 * same process would add its own socket buffers for the 1 GiB it sends.
 *
 *   /small/…  500 with a short plain-text Django error page
 *   /big/…    500 with a Django debug page of argv[2] bytes, written with back-pressure, never
 *             held whole
 *
 * IPC: sends `{ port }` once listening; answers the message `'connections'` with
 * `{ connections }` (TCP connections accepted so far); closes when the parent disconnects.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderError } from '../../src/demo/error-pages.js';

const BIG_BODY_BYTES = Number(process.argv[2]);

const ERROR = 'relation "user_profile_about_item" does not exist';
const SQL = 'SELECT * FROM "user_profile_about_item"';
const BIG_HEAD = Buffer.from(renderError('django-debug', { path: '/big/', sql: SQL, error: { message: ERROR, position: '15' } }).body);
const FILLER = Buffer.from('<p>' + 'padding '.repeat(8190) + '</p>\n');

/** Resolves on 'drain' or 'close', whichever comes first, and leaves no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function writeBigPage(res: ServerResponse): Promise<void> {
  res.writeHead(500, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(BIG_BODY_BYTES) });
  res.write(BIG_HEAD);
  let left = BIG_BODY_BYTES - BIG_HEAD.length;
  while (left > 0 && !res.destroyed) {
    const chunk = left >= FILLER.length ? FILLER : FILLER.subarray(0, left);
    left -= chunk.length;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

function main(): void {
  const send = process.send?.bind(process);
  if (!send || !Number.isSafeInteger(BIG_BODY_BYTES) || BIG_BODY_BYTES < BIG_HEAD.length) {
    throw new Error('bench-server.js is started by probe.bench.js: fork(bench-server.js, [bigBodyBytes])');
  }
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume(); // GET requests: nothing to read, but drain whatever comes
    const path = req.url ?? '/';
    if (path.startsWith('/big/')) {
      void writeBigPage(res);
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(renderError('text', { path, sql: SQL, error: { message: ERROR, position: '15' } }).body);
  });
  server.on('connection', () => void connections++);
  server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message) => {
    if (message === 'connections') send({ connections });
  });
  process.on('disconnect', () => {
    server.closeAllConnections();
    server.close();
  });
}

main();
