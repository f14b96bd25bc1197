/** The `history` section and `repair.scope`: what they load to, and each mistake at its line:col. */
import { dirname, join } from 'node:path';
import t from 'tap';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import { secretsOf } from '../../src/config/secrets.js';
import { MINIMAL, writeConfig } from './write-config.js';

async function problemsOf(t: Parameters<typeof writeConfig>[0], yaml: string, env: NodeJS.ProcessEnv = {}) {
  const { problems } = await validateConfigFile(writeConfig(t, yaml), env);
  return problems.map((p) => ({ line: p.line, col: p.col, path: p.path, message: p.message }));
}

t.test('without `history` there is none, and scope is errors', async (t) => {
  const config = await loadConfig(writeConfig(t, MINIMAL), {});
  t.equal(config.history, undefined);
  t.equal(config.repair.scope, 'errors');
});

t.test('manage as a string is split like a shell; cwd defaults to the config folder', async (t) => {
  const file = writeConfig(
    t,
    MINIMAL +
      `history:
  django:
    manage: "'/opt/my app/bin/python' manage.py --settings=acme.settings"
    env: { DJANGO_SETTINGS_MODULE: acme.settings, DATABASE_URL: \${DATABASE_URL} }
repair: { scope: history }
`,
  );
  const config = await loadConfig(file, { DATABASE_URL: 'postgres://app:s3cret-pw@db/app' });
  t.same(config.history, {
    django: {
      manage: ['/opt/my app/bin/python', 'manage.py', '--settings=acme.settings'],
      cwd: dirname(file),
      env: { DJANGO_SETTINGS_MODULE: 'acme.settings', DATABASE_URL: 'postgres://app:s3cret-pw@db/app' },
      readTimeoutMs: 120000,
    },
  });
  t.equal(config.repair.scope, 'history');
  t.ok(secretsOf(config).includes('postgres://app:s3cret-pw@db/app'), 'an env value under a *_URL key is a secret');
  t.notOk(secretsOf(config).includes('acme.settings'), 'the settings module is not');
});

t.test('manage as a list is taken word for word; cwd is relative to the config file', async (t) => {
  const file = writeConfig(t, MINIMAL + `history:\n  django:\n    manage: [python3, "manage with space.py"]\n    cwd: ../srv/app\n    readTimeoutMs: 5000\n`);
  const config = await loadConfig(file, {});
  t.same(config.history?.django?.manage, ['python3', 'manage with space.py']);
  t.equal(config.history?.django?.cwd, join(dirname(file), '..', 'srv', 'app'));
  t.equal(config.history?.django?.readTimeoutMs, 5000);
});

t.test('each mistake in `history` and `scope` is reported at its line:col', async (t) => {
  const base = MINIMAL.split('\n').length - 1; // MINIMAL ends with a newline: its last line is empty
  t.same(
    await problemsOf(
      t,
      MINIMAL +
        `history:
  django:
    manage: python3 manage.py | tee out.log
    env: { 1BAD: x }
    readTimeoutMs: 0
repair:
  scope: histroy
`,
    ),
    [
      { line: base + 3, col: 13, path: 'history.django.manage', message: 'must be one command: `|` is shell syntax and no shell runs it; quote it or use the list form (`[python3, manage.py]`)' },
      { line: base + 4, col: 12, path: 'history.django.env["1BAD"]', message: '`1BAD` is not a valid environment variable' },
      { line: base + 5, col: 20, path: 'history.django.readTimeoutMs', message: 'expected an integer ≥ 1, got 0' },
      { line: base + 7, col: 10, path: 'repair.scope', message: 'unknown value `histroy` (allowed: `errors`, `history`); did you mean `history`?' },
    ],
  );
  t.same(
    await problemsOf(t, MINIMAL + `history:\n  django:\n    cwd: /srv/app\n`),
    [{ line: base + 3, col: 5, path: 'history.django.manage', message: '`manage` is required: add `manage: python3 manage.py`' }],
  );
  t.same(await problemsOf(t, MINIMAL + `history:\n  django:\n    manage: []\n`), [
    { line: base + 3, col: 13, path: 'history.django.manage', message: 'the list is empty: give at least one item' },
  ]);
  t.same(await problemsOf(t, MINIMAL + `history:\n  django:\n    manage: python3 $APP/manage.py\n`), [
    { line: base + 3, col: 13, path: 'history.django.manage', message: 'must not use `$VAR` (no shell runs the command): use `${VAR}`, which the config fills in, or the list form' },
  ]);
  t.same(await problemsOf(t, MINIMAL + `history:\n  flyway: {}\n`), [
    { line: base + 2, col: 3, path: 'history.flyway', message: 'unknown key `flyway`; allowed here: `django`, `sql`' },
    { line: base + 2, col: 3, path: 'history', message: '`history` needs one reader: add `django: { manage: python3 manage.py }` or `sql: { dir: ./migrations, format: flyway }`' },
  ]);
});

t.test('`scope: history` without a `history` section is a config error', async (t) => {
  const base = MINIMAL.split('\n').length - 1;
  t.same(await problemsOf(t, MINIMAL + `repair:\n  mode: apply\n  scope: history\n`), [
    {
      line: base + 3,
      col: 10,
      path: 'repair.scope',
      message: '`scope: history` needs a `history` section (e.g. `history: { django: { manage: python3 manage.py } }`): add one, or use `scope: errors`',
    },
  ]);
  t.same(await problemsOf(t, MINIMAL + `repair: { scope: history }\nhistory: { django: { manage: python3 manage.py } }\n`), [], 'with one it loads');
});

t.test('history.sql: dir is relative to the config file; format and table as written', async (t) => {
  const file = writeConfig(t, MINIMAL + `history:\n  sql:\n    dir: ./db/migrations\n    format: golang-migrate\n    table: ops.migrations_applied\nrepair: { scope: history }\n`);
  const config = await loadConfig(file, {});
  t.same(config.history, { sql: { dir: join(dirname(file), 'db', 'migrations'), format: 'golang-migrate', table: 'ops.migrations_applied' } });
  t.equal(config.repair.scope, 'history');
});

t.test('history.sql: each mistake at its line:col; exactly one of django and sql', async (t) => {
  const base = MINIMAL.split('\n').length - 1;
  t.same(await problemsOf(t, MINIMAL + `history:\n  sql:\n    dir: ./migrations\n    format: flyaway\n    table: a.b.c\n`), [
    { line: base + 4, col: 13, path: 'history.sql.format', message: 'unknown value `flyaway` (allowed: `flyway`, `golang-migrate`, `dbmate`, `prisma`); did you mean `flyway`?' },
    { line: base + 5, col: 12, path: 'history.sql.table', message: 'must be `name` or `schema.name`' },
  ]);
  t.same(await problemsOf(t, MINIMAL + `history:\n  sql:\n    format: prisma\n`), [
    { line: base + 3, col: 5, path: 'history.sql.dir', message: '`dir` is required: add `dir: ./migrations`' },
  ]);
  t.same(await problemsOf(t, MINIMAL + `history:\n  django: { manage: python3 manage.py }\n  sql: { dir: ./migrations, format: dbmate }\n`), [
    {
      line: base + 3,
      col: 8,
      path: 'history.sql',
      message: '`history.django` and `history.sql` both describe the migration history: keep the one that applied the migrations and remove the other',
    },
  ]);
});
