/** The serving half every SQL-backed test app shares: a free loopback port, and a close that ends the app. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackApp {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts `server` on a free 127.0.0.1 port. `close()` cuts its keep-alive connections, stops it,
 * then runs `release` (the app's pool or knex), so no query of the app outlives it.
 */
export async function serveOnLoopback(server: Server, release: () => Promise<unknown>): Promise<LoopbackApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await release();
    },
  };
}
