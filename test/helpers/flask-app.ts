/**
 * The Flask + SQLAlchemy notes app (test/fixtures/flask-app): Debian's python3-flask-sqlalchemy,
 * python3-flask-migrate (alembic), python3-flaskext.wtf and python3-psycopg2 for /usr/bin/python3.
 * `flaskUnavailable()` says why the tests skip.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { runToEnd, startAppProcess, withSearchPath, type AppProcess } from './app-process.js';

export const PYTHON = '/usr/bin/python3';
export const FLASK_APP_DIR = join(process.cwd(), 'test', 'fixtures', 'flask-app');
export const FLASK_TABLES = ['notes', 'tags', 'users'] as const;

export function flaskUnavailable(): Promise<string | false> {
  return new Promise((resolve) => {
    execFile(PYTHON, ['-c', 'import flask_sqlalchemy, flask_migrate, flask_wtf, psycopg2'], (error, _stdout, stderr) => {
      resolve(
        error
          ? `Flask stack missing for ${PYTHON} (${stderr.trim().split('\n').pop() ?? error.message}): ` +
              'apt-get install python3-flask-sqlalchemy python3-flask-migrate python3-flaskext.wtf python3-psycopg2'
          : false,
      );
    });
  });
}

/** SQLAlchemy 1.4 accepts only the `postgresql://` scheme. */
function sqlalchemyUrl(url: string): string {
  return url.replace(/^postgres:\/\//, 'postgresql://');
}

function env(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, FLASK_APP: 'app.py', DATABASE_URL: sqlalchemyUrl(databaseUrl), PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

/**
 * The app's own `flask db upgrade` (alembic) and `flask seed`, with the connection's search_path
 * set to `schema`: the drift of the incident, made by the app's real migrations.
 */
export async function migrateAndSeedUnder(options: { databaseUrl: string; schema: string; alicePassword: string }): Promise<void> {
  const url = withSearchPath(options.databaseUrl, options.schema);
  await runToEnd(PYTHON, ['-m', 'flask', 'db', 'upgrade'], { cwd: FLASK_APP_DIR, env: env(url) });
  await runToEnd(PYTHON, ['-m', 'flask', 'seed'], { cwd: FLASK_APP_DIR, env: env(url, { ALICE_PW: options.alicePassword }) });
}

/** The app served normally (search_path default), errors with tracebacks in `logFile`. */
export function serveFlask(
  t: Parameters<typeof startAppProcess>[0],
  options: { databaseUrl: string; logFile: string },
): Promise<AppProcess> {
  return startAppProcess(t, {
    name: 'Flask',
    command: PYTHON,
    args: (port) => ['-m', 'flask', 'run', '--host', '127.0.0.1', '--port', String(port), '--no-reload', '--no-debugger'],
    cwd: FLASK_APP_DIR,
    env: env(options.databaseUrl, { LOG_FILE: options.logFile }),
  });
}
