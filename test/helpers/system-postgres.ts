/**
 * A throwaway cluster of Debian's PostgreSQL 15 (package `postgresql-15`), for tests that need what
 * the embedded server (npm) lacks: it is built without NLS, so it can only speak English, while
 * Debian's server ships the message catalogs and answers in German, French, Japanese, ...
 *
 * initdb and postgres refuse to run as root; tests run as root, so both run as the `postgres` OS
 * user through `runuser`. Everything (data dir, unix socket, server log) lives in one temp folder
 * that `stop()` removes. The server listens on 127.0.0.1 only, with password auth.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/embedded/postgres.js';

const run = promisify(execFile);

const BIN = '/usr/lib/postgresql/15/bin';
const INITDB = join(BIN, 'initdb');
const PG_CTL = join(BIN, 'pg_ctl');
const OS_USER = 'postgres';

export interface SystemPostgresOptions {
  /** Server-level `lc_messages`, e.g. `de_DE.UTF-8`: every connection gets translated errors. */
  readonly lcMessages: string;
  /** More `postgresql.conf` settings, e.g. `{ logging_collector: 'on' }`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface SystemPostgres {
  /** Superuser URL of the `postgres` database (password included). */
  readonly url: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/** `de_DE.UTF-8` and `de_DE.utf8` (what `locale -a` prints) are the same locale. */
function normalizeLocale(name: string): string {
  return name.toLowerCase().replace(/-/g, '');
}

/** The OS user's uid and gid, or null when there is no such user. */
function osUser(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/**
 * Why a system PostgreSQL speaking `locale` cannot run here (a skip reason for tap), or false.
 * Checks the binaries, the `postgres` OS user (when running as root) and that the locale is generated.
 */
export function systemPostgresUnavailable(locale?: string): string | false {
  if (!existsSync(INITDB) || !existsSync(PG_CTL)) {
    return `PostgreSQL 15 binaries not found in ${BIN} (apt-get install postgresql-15)`;
  }
  if (isRoot() && !osUser(OS_USER)) {
    return `running as root but there is no '${OS_USER}' OS user to run initdb/postgres as`;
  }
  if (locale) {
    let listed: string;
    try {
      listed = execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      return `cannot list locales (locale -a): ${e instanceof Error ? e.message : String(e)}`;
    }
    const want = normalizeLocale(locale);
    if (!listed.split('\n').some((l) => normalizeLocale(l.trim()) === want)) {
      return `locale ${locale} is not generated (enable it in /etc/locale.gen and run locale-gen)`;
    }
  }
  return false;
}

/** Runs a PostgreSQL binary as the `postgres` OS user when we are root, as ourselves otherwise. */
async function runAsPostgres(cwd: string, command: string, args: string[]): Promise<void> {
  const [file, argv] = isRoot() ? ['runuser', ['-u', OS_USER, '--', command, ...args]] : [command, args];
  // A fixed, neutral locale environment: the caller's LANG/LC_ALL must not leak into initdb.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  try {
    await run(file, argv, { cwd, env, timeout: 60_000 });
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    throw new Error(`${command} ${args[0] ?? ''} failed: ${(err.stderr || err.message || String(e)).trim()}`);
  }
}

/** A postgresql.conf value, single-quoted (a quote inside is doubled). */
function confValue(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One initdb per test process (about 0.9 s of CPU each); every server of the process starts on a
 * copy of it. Removed when the process exits.
 */
let cluster: Promise<{ readonly data: string; readonly password: string }> | undefined;
function initialisedCluster(): Promise<{ readonly data: string; readonly password: string }> {
  cluster ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-syspg-template-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const data = join(dir, 'data');
    const password = randomBytes(12).toString('hex');
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    const owner = isRoot() ? osUser(OS_USER) : null;
    if (owner) {
      await chown(dir, owner.uid, owner.gid);
      await chown(pwfile, owner.uid, owner.gid);
    }
    // -N: no fsync; a throwaway cluster does not need durability, and it saves seconds per server.
    await runAsPostgres(dir, INITDB, [
      '-D', data, '-U', 'postgres', '-N',
      '--encoding=UTF8', '--locale=C.UTF-8',
      '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`,
    ]);
    await rm(pwfile, { force: true });
    return { data, password };
  })();
  return cluster;
}

export async function startSystemPostgres(options: SystemPostgresOptions): Promise<SystemPostgres> {
  const unavailable = systemPostgresUnavailable(options.lcMessages);
  if (unavailable) throw new Error(`system PostgreSQL cannot start: ${unavailable}`);

  // mkdtemp makes it 0700; handed to the postgres OS user, it keeps the cluster private to it.
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-syspg-'));
  const data = join(dir, 'data');
  let password: string;
  try {
    const cluster = await initialisedCluster();
    password = cluster.password;
    const owner = isRoot() ? osUser(OS_USER) : null;
    if (owner) await chown(dir, owner.uid, owner.gid);
    // A copy of the file's one initdb (cp -a keeps the postgres owner and the 0700 modes).
    await run('cp', ['-a', cluster.data, data]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  let lastError = '';
  // Another process may take the port between freePort() and the server binding it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      // Not Debian's /var/run/postgresql: that may not exist, and a system cluster may use it.
      unix_socket_directories: dir,
      lc_messages: options.lcMessages,
      fsync: 'off',
      ...options.settings,
    };
    // Appended last, so these win over initdb's defaults (the last setting in the file counts).
    await appendFile(
      join(data, 'postgresql.conf'),
      `\n# smoke-fix test settings (attempt ${attempt})\n` +
        Object.entries(settings).map(([k, v]) => `${k} = ${confValue(v)}\n`).join(''),
    );
    try {
      await runAsPostgres(dir, PG_CTL, ['start', '-w', '-t', '30', '-D', data, '-l', join(dir, 'server.log')]);
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      await runAsPostgres(dir, PG_CTL, ['stop', '-D', data, '-m', 'immediate']).catch(() => {});
      continue;
    }
    let stopped = false;
    return {
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      async stop() {
        if (stopped) return;
        stopped = true;
        await runAsPostgres(dir, PG_CTL, ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => {});
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`system PostgreSQL did not start: ${lastError}`);
}
