/**
 * A real PostgreSQL for a test file: one embedded server per test file (or the server named by
 * SMOKE_FIX_TEST_DATABASE_URL), and a fresh database per `createTestDatabase` call, dropped in
 * teardown. No test shares a database with another.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase, type StartOptions } from '../../src/embedded/postgres.js';

export interface TestDatabase {
  /** Superuser URL of the fresh database. */
  readonly url: string;
  readonly name: string;
  /** Run SQL (several statements allowed) against the fresh database. */
  exec(sql: string): Promise<void>;
  /** One query with parameters against the fresh database. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Stop the server behind it (only for an embedded server of its own; see `ownServer`). */
  stopServer(): Promise<void>;
  /** Restart the server behind it: every session ends with 57P01 (only with `ownServer`). */
  restartServer(): Promise<void>;
}

interface Teardownable {
  teardown(fn: () => unknown): void;
}

/** Servers of a test start as copies of the cluster test/run.mjs made, when run by it (no initdb each). */
function startServer(settings?: StartOptions['settings']): Promise<EmbeddedDatabase> {
  return startEmbeddedPostgres({ ...(settings ? { settings } : {}), copyOf: process.env.SMOKE_FIX_TEST_CLUSTER });
}

let shared: Promise<EmbeddedDatabase> | undefined;
function sharedServer(): Promise<EmbeddedDatabase> {
  shared ??= startServer();
  return shared;
}

/** The same server and credentials, another database. */
export function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

/** One short-lived connection for `fn`, always closed. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  // A test that restarts or terminates backends must not crash on this client's 'error' event.
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Databases still in use when their test ended, dropped when the process is done. */
const leftOver: Array<{ readonly adminUrl: string; readonly name: string }> = [];

/**
 * Drops a test's database, unless a session of the test is still on it: a teardown registered
 * after this one (an app's pool, closed later) must not have its connection terminated under it
 * (57P01 on an idle pool client crashes the test process). Those are dropped at `beforeExit`,
 * when every teardown has run.
 */
async function dropWhenFree(adminUrl: string, name: string): Promise<void> {
  const dropped = await withClient(adminUrl, async (c) => {
    const busy = await c.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() LIMIT 1', [name]);
    if ((busy.rowCount ?? 0) > 0) return false;
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    return true;
  });
  if (dropped) return;
  if (leftOver.length === 0) {
    process.once('beforeExit', async () => {
      for (const d of leftOver.splice(0)) await withClient(d.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${d.name} WITH (FORCE)`)).catch(() => {});
    });
  }
  leftOver.push({ adminUrl, name });
}

/**
 * A fresh database for one test. `ownServer: true` starts a server for this database alone (for
 * tests that stop the server); otherwise the file's shared server is used.
 */
export async function createTestDatabase(
  t: Teardownable,
  options: { ownServer?: boolean; settings?: StartOptions['settings'] } = {},
): Promise<TestDatabase> {
  const external = process.env.SMOKE_FIX_TEST_DATABASE_URL;
  let server: EmbeddedDatabase | undefined;
  let adminUrl: string;
  if (external && !options.ownServer && !options.settings) {
    adminUrl = external;
  } else if (options.ownServer || options.settings) {
    server = await startServer(options.settings);
    adminUrl = server.url;
  } else {
    const s = await sharedServer();
    adminUrl = s.url;
  }
  const name = `smoke_fix_test_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlWithDatabase(adminUrl, name);
  let stopped = false;
  t.teardown(async () => {
    if (server) {
      if (!stopped) await server.stop();
      return;
    }
    await dropWhenFree(adminUrl, name).catch(() => {});
  });
  return {
    url,
    name,
    exec: (sql) => withClient(url, async (c) => void (await c.query(sql))),
    query: (sql, params) => withClient(url, async (c) => (await c.query(sql, params)).rows),
    async stopServer() {
      if (!server) throw new Error('stopServer() needs createTestDatabase(t, { ownServer: true })');
      stopped = true;
      await server.stop();
    },
    async restartServer() {
      if (!server) throw new Error('restartServer() needs createTestDatabase(t, { ownServer: true })');
      await server.restart();
    },
  };
}

/** Stop the file's shared embedded server when the file's tests are done (call once at top level). */
export function stopSharedServerAtEnd(t: Teardownable): void {
  t.teardown(async () => {
    if (shared) await (await shared).stop();
    shared = undefined;
  });
}
