import { isAbsolute, join, dirname } from 'node:path';
import t from 'tap';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { MINIMAL, writeConfig } from './write-config.js';

t.test('a minimal config gets every default', async (t) => {
  const file = writeConfig(t, MINIMAL);
  const config = await loadConfig(file, {});
  t.equal(config.file, file);
  t.equal(config.baseUrl, 'http://127.0.0.1:8000');
  t.same(config.database, {
    url: 'postgres://app@127.0.0.1:5432/app',
    targetSchema: 'public',
    sourceSchemas: ['test_schema'],
    serverLog: false,
    lockTimeoutMs: 5000,
    statementTimeoutMs: 60000,
    connectRetries: 3,
    lockRetries: 8,
  });
  t.same(config.auth, {});
  t.same(config.endpoints, [{ name: '/health', path: '/health', method: 'GET', expect: [200], headers: {} }]);
  t.same(config.http, { concurrency: 8, timeoutMs: 10000, maxBodyBytes: 1048576, retries: 3, headers: {}, retryWindowMs: 5000, insecure: false });
  t.same(config.repair, { mode: 'plan', maxRounds: 20, djangoMigrations: {}, verifyRowCounts: false, scope: 'errors' });
  t.equal(config.history, undefined, 'no history unless written');
  t.same(config.logs, []);
  t.equal(config.report.dir, join(dirname(file), 'reports'));
});

t.test('written values win over defaults; expect takes one status or a list', async (t) => {
  const file = writeConfig(
    t,
    MINIMAL +
      `  - { name: admin, path: /admin/, method: POST, expect: 302, auth: root, body: "x=1" }
  - { path: /api/, expect: [200, 204], headers: { Accept: application/json } }
auth:
  root: { type: django-session, loginPath: /admin/login/, username: root, password: pw, next: /admin/ }
http: { concurrency: 2, retries: 0 }
repair: { mode: apply }
`,
  );
  const config = await loadConfig(file, {});
  t.same(config.endpoints[1], { name: 'admin', path: '/admin/', method: 'POST', expect: [302], auth: 'root', body: 'x=1', headers: {} });
  t.same(config.endpoints[2], { name: '/api/', path: '/api/', method: 'GET', expect: [200, 204], headers: { Accept: 'application/json' } });
  t.same(config.auth['root'], {
    type: 'django-session',
    loginPath: '/admin/login/',
    username: 'root',
    password: 'pw',
    passwordField: 'password',
    next: '/admin/',
  });
  t.equal(config.http.concurrency, 2);
  t.equal(config.http.retries, 0, 'zero retries is allowed');
  t.equal(config.http.timeoutMs, 10000, 'keys left out of a written section keep their default');
  t.equal(config.repair.mode, 'apply');
});

t.test('${VAR} references are filled from the env passed in, in every string', async (t) => {
  const file = writeConfig(
    t,
    `baseUrl: http://\${APP_HOST:-127.0.0.1}:8000
database:
  url: \${DATABASE_URL}
  targetSchema: \${TARGET:-public}
  lockTimeoutMs: \${LOCK_MS:-1500}
  serverLog: \${SERVER_LOG:-false}
auth:
  api: { type: bearer, token: "\${API_TOKEN}" }
endpoints:
  - path: /x
    method: POST
    body: 'price: $\${AMOUNT}'
`,
  );
  const config = await loadConfig(file, { DATABASE_URL: 'postgres://u:pw@db/app', API_TOKEN: 'tok-123', SERVER_LOG: 'true' });
  t.equal(config.baseUrl, 'http://127.0.0.1:8000');
  t.equal(config.database.url, 'postgres://u:pw@db/app');
  t.equal(config.database.targetSchema, 'public');
  t.equal(config.database.lockTimeoutMs, 1500, 'a number from the environment is a number');
  t.equal(config.database.serverLog, true, 'a boolean from the environment is a boolean');
  t.same(config.auth['api'], { type: 'bearer', token: 'tok-123' });
  t.equal(config.endpoints[0]?.body, 'price: ${AMOUNT}', '$${ is a literal ${');
});

t.test('an unset variable without a default is a problem at the reference itself', async (t) => {
  const file = writeConfig(
    t,
    `baseUrl: http://127.0.0.1:8000
database:
  url: \${DATABASE_URL}
auth:
  member:
    type: django-session
    loginPath: /login/
    username: alice
    password: "prefix-\${ALICE_PW}"
endpoints: [ /health ]
http:
  timeoutMs: \${TIMEOUT}
`,
  );
  const { config, problems } = await validateConfigFile(file, { ALICE: 'not the one' });
  t.equal(config, undefined);
  t.same(
    problems.map(({ line, col, path }) => ({ line, col, path })),
    [
      { line: 3, col: 8, path: 'database.url' },
      { line: 9, col: 23, path: 'auth.member.password' },
      { line: 12, col: 14, path: 'http.timeoutMs' },
    ],
  );
  t.match(problems[0]?.message, /DATABASE_URL is not set/);
  t.match(problems[1]?.message, /ALICE_PW is not set/);
  t.match(problems[2]?.message, /TIMEOUT is not set/);
});

t.test('relative paths resolve against the config file folder, absolute ones stay', async (t) => {
  const file = writeConfig(
    t,
    MINIMAL +
      `logs: [ logs/django.log, /var/log/app/error.log ]
report: { dir: ../out/reports }
repair:
  djangoMigrations: { user_profile: app/user_profile/migrations, teams: /srv/teams/migrations }
`,
  );
  const dir = dirname(file);
  const config = await loadConfig(file, {});
  t.same(config.logs, [join(dir, 'logs/django.log'), '/var/log/app/error.log']);
  t.equal(config.report.dir, join(dir, '../out/reports'));
  t.same(config.repair.djangoMigrations, { user_profile: join(dir, 'app/user_profile/migrations'), teams: '/srv/teams/migrations' });
  t.ok(isAbsolute(config.file));
});

t.test('the result is frozen all the way down', async (t) => {
  const config = await loadConfig(writeConfig(t, MINIMAL), {});
  const write = (f: () => void): void => {
    t.throws(f, TypeError);
  };
  write(() => ((config as { baseUrl: string }).baseUrl = 'x'));
  write(() => ((config.database as { targetSchema: string }).targetSchema = 'x'));
  write(() => (config.database.sourceSchemas as string[]).push('x'));
  write(() => ((config.endpoints[0] as { path: string }).path = '/x'));
  write(() => (config.endpoints[0]?.expect as number[]).push(500));
  write(() => ((config.http.headers as Record<string, string>)['X'] = 'y'));
});

t.test('an unreadable file and broken YAML are ConfigErrors with a location', async (t) => {
  const missing = join(t.testdir(), 'nope.yaml');
  const err = await loadConfig(missing, {}).catch((e: unknown) => e);
  t.ok(err instanceof ConfigError);
  t.match((err as ConfigError).problems, [{ file: missing, line: 1, col: 1, message: /cannot read the config file \(no such file\)/ }]);

  const broken = writeConfig(t, 'baseUrl: http://x\ndatabase:\n  url: [unclosed\nendpoints: [ /a ]\n');
  const { problems } = await validateConfigFile(broken, {});
  t.equal(problems.length, 1, 'one mistake, one problem (not one per following token)');
  t.match(problems[0], { file: broken, line: 4, message: /YAML syntax/ });

  const duplicate = writeConfig(t, MINIMAL + 'baseUrl: http://other\n', 'dup.yaml');
  t.match((await validateConfigFile(duplicate, {})).problems, [{ line: 6, col: 1, message: /appears twice/ }]);
});

t.test('an unquoted ${VAR} inside { } works, as DESIGN.md writes it', async (t) => {
  const file = writeConfig(
    t,
    MINIMAL +
      'auth:\n  api: { type: bearer, token: ${API_TOKEN} }\n' +
      '  member: { type: django-session, loginPath: /accounts/login/, username: alice, password: ${ALICE_PW:-fallback} }\n',
  );
  const { config, problems } = await validateConfigFile(file, { API_TOKEN: 'tok-123' });
  t.same(problems, []);
  t.match(config?.auth.api, { type: 'bearer', token: 'tok-123' });
  t.match(config?.auth.member, { type: 'django-session', password: 'fallback' });

  const missing = writeConfig(t, MINIMAL + 'auth:\n  api: { type: bearer, token: ${API_TOKEN} }\n', 'missing.yaml');
  const result = await validateConfigFile(missing, {});
  t.match(result.problems, [{ line: 7, col: 31, path: 'auth.api.token', message: /API_TOKEN/ }], 'an unset one is located exactly');
});

t.test('an empty file says what it needs', async (t) => {
  const { problems } = await validateConfigFile(writeConfig(t, '# nothing yet\n'), {});
  t.match(problems, [{ line: 1, col: 1, message: /empty.*`baseUrl`, `database`, `endpoints`/ }]);
});
