/**
 * A REAL Django site (test/fixtures/django-site) against a test database: the drift of the
 * incident reproduced through Django's own migrations, its users, its rows, and `runserver`.
 *
 * Django comes from Debian's python3-django (3.2) and python3-psycopg2 for /usr/bin/python3 — not
 * the pyenv `python3` on PATH, which has neither. `djangoUnavailable()` says why the tests skip.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runWithConfig, type RunOutput } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { quoteIdent } from '../../src/db/quote.js';
import { spawnAppProcess, type AppProcess } from './app-process.js';
import { withClient } from './database.js';
import { buildFromTemplate } from './template-database.js';
import { tableData, type TableData } from './table-data.js';
import { tempDir as sharedTempDir } from './temp.js';

export const PYTHON = '/usr/bin/python3';
/** The fixture itself; tests that write into the site (migrations) work on a `copySite()`. */
export const DJANGO_SITE_DIR = join(process.cwd(), 'test', 'fixtures', 'django-site');
/** The schema the incident's migrations wrote into. */
export const SOURCE_SCHEMA = 'test_schema';
/** Every table of the site's own apps, by app. */
export const OWN_TABLES = {
  user_profile: ['user_profile_about_item', 'user_profile_stream_config', 'user_profile_link'],
  teams: ['teams_team', 'teams_membership'],
  /** Levels 1–5 of the cascade under /catalog/<level>/, then the latent table no page reads. */
  catalog: ['catalog_section', 'catalog_shelf', 'catalog_product', 'catalog_price', 'catalog_review', 'catalog_auditentry'],
} as const;
/** The catalog's pages: /catalog/N/ reads levels 1..N in order and stops at the first failure. */
export const CATALOG_LEVEL_PATHS = ['/catalog/1/', '/catalog/2/', '/catalog/3/', '/catalog/4/', '/catalog/5/'] as const;

export interface SiteUser {
  readonly username: string;
  readonly password: string;
  readonly superuser: boolean;
}
/** The site's users; passwords are fresh per test process so a leak into a report is detectable. */
export const USERS = {
  alice: { username: 'alice', password: `alice-${randomBytes(6).toString('hex')}`, superuser: false },
  root: { username: 'root', password: `root-${randomBytes(6).toString('hex')}`, superuser: true },
} as const satisfies Record<string, SiteUser>;

export interface SiteOptions {
  readonly databaseUrl: string;
  /** Folder of the Django project; default the fixture. */
  readonly siteDir?: string | undefined;
}

// ---------------------------------------------------------------- availability

let availability: Promise<string | false> | undefined;

/** `false` when Django and psycopg2 import under /usr/bin/python3, else the reason to skip. */
export function djangoUnavailable(): Promise<string | false> {
  availability ??= runPython({
    args: ['-c', 'import django, psycopg2, allauth; print(django.get_version())'],
    cwd: process.cwd(),
    env: baseEnv(),
  }).then(
    () => false,
    (error: Error) =>
      `Django with psycopg2 and django-allauth is not installed for ${PYTHON} (apt-get install python3-django python3-psycopg2 python3-django-allauth): ` +
      error.message.split('\n').filter(Boolean).slice(-1)[0],
  );
  return availability;
}

// ---------------------------------------------------------------- processes

function baseEnv(): NodeJS.ProcessEnv {
  // Only what Python needs: nothing of the test process (DATABASE_URL, tokens) reaches Django.
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1', // keeps __pycache__ out of the fixture
    PYTHONUNBUFFERED: '1',
  };
}

export interface DjangoEnvOptions {
  readonly databaseUrl: string;
  /** `public` unless a step reproduces the drift. */
  readonly searchPath?: string | undefined;
  readonly debug?: boolean | undefined;
  readonly logFile?: string | undefined;
  /** The log's records name the request's X-Request-Id (a logging filter in the fixture). */
  readonly logRequestId?: boolean | undefined;
}

/** The environment the site's settings read: the database URL split into DB_* variables. */
export function djangoEnv(options: DjangoEnvOptions): NodeJS.ProcessEnv {
  const url = new URL(options.databaseUrl);
  return {
    ...baseEnv(),
    DB_NAME: decodeURIComponent(url.pathname.slice(1)),
    DB_USER: decodeURIComponent(url.username),
    DB_PASSWORD: decodeURIComponent(url.password),
    DB_HOST: url.hostname,
    DB_PORT: url.port || '5432',
    SEARCH_PATH: options.searchPath ?? 'public',
    DJANGO_DEBUG: options.debug === false ? '0' : '1',
    ...(options.logFile ? { DJANGO_LOG_FILE: options.logFile } : {}),
    ...(options.logRequestId ? { DJANGO_LOG_REQUEST_ID: '1' } : {}),
  };
}

interface RunPythonOptions {
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Written to stdin (passwords go this way, never in argv). */
  readonly input?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

/** Runs /usr/bin/python3 to completion; rejects with its stderr when it fails. */
function runPython(options: RunPythonOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, options.args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${PYTHON} ${options.args.join(' ')} exited ${code ?? signal}:\n${stderr.trim()}`));
    });
    // A script that exits without reading stdin closes the pipe: EPIPE is not the failure to report.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

export interface ManageOptions extends SiteOptions {
  readonly args: readonly string[];
  readonly searchPath?: string | undefined;
  readonly input?: string | undefined;
}

/** `manage.py <args>` of the site; rejects with Django's stderr when the command fails. */
export function manage(options: ManageOptions): Promise<{ stdout: string; stderr: string }> {
  return runPython({
    args: ['manage.py', ...options.args],
    cwd: options.siteDir ?? DJANGO_SITE_DIR,
    env: djangoEnv(options),
    input: options.input,
  });
}

function script(options: SiteOptions & { name: string; args?: readonly string[]; env?: NodeJS.ProcessEnv; input?: string; searchPath?: string }) {
  const siteDir = options.siteDir ?? DJANGO_SITE_DIR;
  return runPython({
    args: [join(siteDir, 'scripts', options.name), ...(options.args ?? [])],
    cwd: siteDir,
    env: { ...djangoEnv(options), ...options.env },
    input: options.input,
  });
}

// ---------------------------------------------------------------- database set-up

function createSourceSchema(databaseUrl: string): Promise<unknown> {
  return withClient(databaseUrl, (c) => c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(SOURCE_SCHEMA)}`));
}

export interface MigrateWithDriftOptions extends SiteOptions {
  /** Apps whose migrations run with `search_path=test_schema,public` (their tables land there). */
  readonly driftApps: readonly string[];
}

/**
 * The incident: `manage.py migrate` of the whole site in one run, where the migrations of
 * `driftApps` execute with `search_path=test_schema,public`. Their tables are created in
 * test_schema while `public.django_migrations` records them as applied; everything else
 * (and the content types and permissions) is in public. See scripts/migrate_with_drift.py.
 *
 * An app other apps reference by foreign key (auth, contenttypes) cannot drift alone: the
 * referencing apps' migrations, run with `public`, would not find its tables — in a real deploy
 * as here. To break the login, create the users first and `moveTablesToSourceSchema` instead.
 */
export async function migrateWithDrift(options: MigrateWithDriftOptions): Promise<void> {
  const drift = options.driftApps.join(',');
  await migratedFromTemplate(options, `migrate DRIFT=${drift}`, async (databaseUrl) => {
    await createSourceSchema(databaseUrl);
    await script({ ...options, databaseUrl, name: 'migrate_with_drift.py', env: { DRIFT: drift } });
  });
}

export interface MigrateWithColumnDriftOptions extends SiteOptions {
  /** The migration that ran with the wrong search_path, `app.name` (e.g. `teams.0002_membership_left_at`). */
  readonly migration: string;
  /** Tables of which a stale copy sat in test_schema when that migration ran. */
  readonly staleCopies: readonly string[];
  /** Runs once the migrations before `migration` are applied, before the copies are taken (rows, users). */
  readonly beforeDrift?: (() => Promise<void>) | undefined;
}

/**
 * The missing-column variant: the site is migrated in public up to (not including) `migration`;
 * a stale copy of each `staleCopies` table exists in test_schema (as a test run or an
 * old restore would leave it: same definition, `CREATE TABLE ... (LIKE ... INCLUDING ALL)`);
 * then the rest of the site is migrated, `migration` with `search_path=test_schema,public`, so
 * its `ALTER TABLE ... ADD COLUMN` hits the stale copy. The copy has the column, public lacks it,
 * and `django_migrations` says the migration is applied.
 */
export async function migrateWithColumnDrift(options: MigrateWithColumnDriftOptions): Promise<void> {
  await migrateUpTo({ ...options, stopBefore: options.migration });
  await options.beforeDrift?.();
  await createSourceSchema(options.databaseUrl);
  await withClient(options.databaseUrl, async (c) => {
    for (const table of options.staleCopies) {
      const from = `${quoteIdent('public')}.${quoteIdent(table)}`;
      const to = `${quoteIdent(SOURCE_SCHEMA)}.${quoteIdent(table)}`;
      await c.query(`CREATE TABLE ${to} (LIKE ${from} INCLUDING ALL)`);
    }
  });
  await script({ ...options, name: 'migrate_with_drift.py', env: { DRIFT: options.migration } });
}

/** The site migrated in public up to (not including) `stopBefore` (`app.name`): later migrations stay unapplied. */
export async function migrateUpTo(options: SiteOptions & { stopBefore: string }): Promise<void> {
  await migratedFromTemplate(options, `migrate STOP_BEFORE=${options.stopBefore}`, async (databaseUrl) => {
    await script({ ...options, databaseUrl, name: 'migrate_with_drift.py', env: { STOP_BEFORE: options.stopBefore } });
  });
}

/**
 * A migration step of the site, copied from a template database built once per test server for
 * the same step of the same site: the key holds the step and every file of the site's folder (its
 * migrations, settings and scripts), so a site copy with a migration written into it gets its own.
 */
async function migratedFromTemplate(options: SiteOptions, step: string, build: (databaseUrl: string) => Promise<void>): Promise<void> {
  await buildFromTemplate(options.databaseUrl, `django-site ${await siteDigest(options.siteDir ?? DJANGO_SITE_DIR)} ${step}`, build);
}

/** sha256 over the path and content of every file of a site folder (`__pycache__` aside). */
async function siteDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((f) => f.isFile() && !join(f.parentPath ?? f.path, f.name).includes('__pycache__'))
    .map((f) => join(f.parentPath ?? f.path, f.name))
    .sort();
  for (const file of files) hash.update(file.slice(dir.length)).update('\0').update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

/** Creates users (passwords through stdin). Run it before auth tables are drifted by `moveTablesToSourceSchema`. */
export async function createUsers(options: SiteOptions & { users: readonly SiteUser[] }): Promise<void> {
  await script({ ...options, name: 'create_users.py', input: JSON.stringify(options.users) });
}

/**
 * Rows in the profile and team tables for `alice` and `root`, through the ORM with
 * `search_path=test_schema,public` so drifted tables are reached where they are.
 * Returns the row count of each table.
 */
export async function seedSite(options: SiteOptions): Promise<Record<string, number>> {
  const { stdout } = await script({ ...options, name: 'seed.py', searchPath: `${SOURCE_SCHEMA},public` });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

/** Drift after the fact: moves existing public tables into test_schema (e.g. auth_user after users exist). */
export async function moveTablesToSourceSchema(options: { databaseUrl: string; tables: readonly string[] }): Promise<void> {
  await createSourceSchema(options.databaseUrl);
  await withClient(options.databaseUrl, async (c) => {
    for (const table of options.tables) {
      await c.query(`ALTER TABLE ${quoteIdent('public')}.${quoteIdent(table)} SET SCHEMA ${quoteIdent(SOURCE_SCHEMA)}`);
    }
  });
}

// ---------------------------------------------------------------- the site's folder

/** A throwaway copy of the site, for tests that write migrations into it. */
export async function copySite(): Promise<{ dir: string; remove(): Promise<void> }> {
  const parent = await mkdtemp(join(tmpdir(), 'smoke-fix-django-'));
  const dir = join(parent, 'django-site');
  await cp(DJANGO_SITE_DIR, dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  return { dir, remove: () => rm(parent, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------- runserver

export interface DjangoServerOptions extends SiteOptions {
  readonly debug: boolean;
  /** DJANGO_LOG_FILE: django.request errors with tracebacks go there. */
  readonly logFile?: string | undefined;
  /** The log's records name the request's X-Request-Id. */
  readonly logRequestId?: boolean | undefined;
  readonly startTimeoutMs?: number | undefined;
}

/** runserver: `output()` is its stderr and stdout so far (request lines, tracebacks), for failure diagnostics. */
export type DjangoServer = AppProcess;

/**
 * `manage.py runserver 127.0.0.1:<free port> --noreload` with the site's settings from the
 * database URL; resolves once `/healthz` answers 200. Rejects with runserver's output when it
 * exits or does not answer in time.
 */
export function startDjangoServer(options: DjangoServerOptions): Promise<DjangoServer> {
  return spawnAppProcess({
    name: 'Django runserver',
    command: PYTHON,
    args: (port) => ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
    cwd: options.siteDir ?? DJANGO_SITE_DIR,
    env: djangoEnv({ databaseUrl: options.databaseUrl, debug: options.debug, logFile: options.logFile, logRequestId: options.logRequestId }),
    startTimeoutMs: options.startTimeoutMs ?? 20_000,
  });
}

// ---------------------------------------------------------------- what a user checks

/** GET a page as a browser would (no cookies); the body is always read to the end. */
export async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

/** Every schema holding a relation of that name (sorted): `['public']` after a clean repair. */
export async function schemasOf(
  db: { query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> },
  relation: string,
): Promise<string[]> {
  const rows = await db.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [relation],
  );
  return rows.map((r) => r.schema);
}

/** The one schema holding the table, or a description of why there is not exactly one. */
export async function schemaOf(
  db: { query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> },
  relation: string,
): Promise<string> {
  const found = await schemasOf(db, relation);
  return found.length === 1 ? found[0]! : `${found.length} copies: ${found.join(', ') || 'none'}`;
}

// ---------------------------------------------------------------- test plumbing

/** The smoke-fix config of a case under test/fixtures/django-site/cases. */
export function caseConfig(name: string): string {
  return join(DJANGO_SITE_DIR, 'cases', name, 'config.yaml');
}

/**
 * smoke-fix run with a case's config, through the library call the CLI makes; `env` fills the
 * config's `${VAR}`s. Reports go to `reportDir`, or a temporary folder of the test.
 */
export async function runCase(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tap's own signature for same()
  t: Pick<TestLike, 'teardown'> & { same?(found: any, wanted: any, ...rest: any[]): unknown },
  options: { name: string; env: Record<string, string>; reportDir?: string },
): Promise<RunOutput> {
  const config = await loadConfig(caseConfig(options.name), options.env);
  // Every run that may move a table is checked for lost or changed rows (issue 9): row counts and
  // an md5 of every row, keyed by table name, before and after. Tables a login writes to (its
  // session, last_login) are left out; an added column changes every row's text, so then only
  // the counts are compared.
  const url = options.env.DATABASE_URL;
  const before = url && t.same ? await tableData(url) : undefined;
  const output = await runWithConfig({ config, reportDir: options.reportDir ?? (await tempDir(t)) });
  if (url && t.same && before) {
    const addedColumn = output.result.rounds.some((r) => r.repairs.some((x) => x.status === 'applied' && x.action.kind === 'add-column'));
    const comparable = (data: Record<string, TableData>) =>
      Object.fromEntries(
        Object.entries(data)
          .filter(([key]) => !WRITTEN_BY_LOGIN.has(key.slice(key.lastIndexOf('.') + 1)))
          .map(([name, d]) => [name, addedColumn ? { rows: d.rows } : d]),
      );
    t.same(comparable(await tableData(url)), comparable(before), 'no row lost or changed by the run (row counts and an md5 of every row)');
  }
  return output;
}

/**
 * Tables the site itself writes to while it is probed: a login's session row and `last_login`,
 * allauth's e-mail record, and the settings page, which creates the member's stream config on its
 * first view (`get_or_create`).
 */
const WRITTEN_BY_LOGIN = new Set(['django_session', 'auth_user', 'account_emailaddress', 'django_admin_log', 'user_profile_stream_config']);

interface TestLike {
  teardown(fn: () => unknown): void;
  passing(): boolean;
  comment(...message: unknown[]): void;
}

/** `startDjangoServer`, stopped in teardown; runserver's output is printed when the test failed. */
export async function serveSite(t: TestLike, options: DjangoServerOptions): Promise<DjangoServer> {
  const server = await startDjangoServer(options);
  t.teardown(async () => {
    if (!t.passing()) t.comment(`runserver output:\n${server.output()}`);
    await server.stop();
  });
  return server;
}

/** A temporary folder removed in teardown (reports, log files); the shared helper, Django's prefix. */
export function tempDir(t: Pick<TestLike, 'teardown'>, prefix = 'smoke-fix-django-'): Promise<string> {
  return sharedTempDir(t, prefix);
}

/** Row count of each table where it lives now (`schema.table` must resolve to exactly one). */
export async function rowCounts(
  db: { query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> },
  options: { schema: string; tables: readonly string[] },
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of options.tables) {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${quoteIdent(options.schema)}.${quoteIdent(table)}`,
    );
    counts[table] = row!.n;
  }
  return counts;
}

/** Every file of a report folder, concatenated: what a leaked secret would be found in. */
export async function reportText(dir: string): Promise<string> {
  const files = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath ?? f.path, f.name), 'utf8')));
  return texts.join('\n');
}
