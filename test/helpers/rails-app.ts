/**
 * The Rails 6.1 shop (test/fixtures/rails-app) on Debian's ruby-rails and ruby-pg, without
 * Bundler. It is copied to a temporary folder first: Rails writes tmp/ and log/ into its root.
 * `railsUnavailable()` says why the tests skip.
 */
import { execFile } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { runToEnd, startAppProcess, type AppProcess } from './app-process.js';
import { tempDir } from './temp.js';

export const RUBY = '/usr/bin/ruby';
export const RAILS_APP_DIR = join(process.cwd(), 'test', 'fixtures', 'rails-app');
export const RAILS_TABLES = ['orders', 'products', 'users'] as const;

export function railsUnavailable(): Promise<string | false> {
  return new Promise((resolve) => {
    execFile(RUBY, ['-e', 'require "rails"; require "pg"; require "webrick"; abort "Rails #{Rails.version}" unless Rails.version.start_with?("6.1")'], (error, _stdout, stderr) => {
      resolve(error ? `Rails 6.1 with pg and webrick not available for ${RUBY} (${stderr.trim().split('\n').pop() ?? error.message}): apt-get install ruby-rails ruby-pg` : false);
    });
  });
}

export async function copyRailsApp(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await tempDir(t, 'smoke-fix-rails-');
  await cp(RAILS_APP_DIR, dir, { recursive: true });
  return dir;
}

function env(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, RAILS_ENV: 'development', DATABASE_URL: databaseUrl, ...extra };
}

/**
 * The app's own `rails db:migrate` and `db:seed` with ActiveRecord's `schema_search_path` set to
 * `schema` (a DATABASE_URL parameter, as database.yml's key): the drift, by its real migrations.
 */
export async function migrateAndSeedUnder(options: { appDir: string; databaseUrl: string; schema: string; alicePassword: string }): Promise<void> {
  const url = new URL(options.databaseUrl);
  url.searchParams.set('schema_search_path', options.schema);
  const e = env(url.toString(), { ALICE_PW: options.alicePassword });
  await runToEnd(RUBY, ['bin/rails', 'db:migrate'], { cwd: options.appDir, env: e });
  await runToEnd(RUBY, ['bin/rails', 'db:seed'], { cwd: options.appDir, env: e });
}

/** `rails server` (WEBrick, development: the error page names the database error). */
export function serveRails(t: Parameters<typeof startAppProcess>[0], options: { appDir: string; databaseUrl: string }): Promise<AppProcess> {
  return startAppProcess(t, {
    name: 'Rails',
    command: RUBY,
    args: (port) => ['bin/rails', 'server', '-u', 'webrick', '-b', '127.0.0.1', '-p', String(port), '-P', join(options.appDir, 'tmp', `server-${port}.pid`)],
    cwd: options.appDir,
    env: env(options.databaseUrl),
    startTimeoutMs: 60_000,
  });
}
