import t from 'tap';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath, ProblemCollector } from '../../src/config/problems.js';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { MINIMAL, writeConfig } from './write-config.js';

t.test('a file with many different problems reports all of them, each at its line:col', async (t) => {
  const yaml = `baseUrl: ftp://example.org
database:
  url: \${DATABASE_URL}
  targetSchema: public
  sourceSchemas: [test_schema, public]
  lockTimeoutMs: -5
auth:
  member: { type: django-session, loginPath: accounts/login/, username: alice }
  api: { token: abc }
endpoints:
  - /health
  - { name: settings, path: /me/settings/, auth: memberr }
  - { name: settings, path: /settings/, expect: 700 }
  - { name: feed, path: /feed/, method: FETCH, timeout: 5 }
http:
  concurrency: many
repair:
  mode: true
logs: /var/log/app.log
`;
  const file = writeConfig(t, yaml);
  const err = await loadConfig(file, {}).catch((e: unknown) => e);
  t.ok(err instanceof ConfigError, 'one ConfigError');
  const problems = (err as ConfigError).problems;
  const expected: { line: number; col: number; path: string; message: RegExp }[] = [
    { line: 1, col: 10, path: 'baseUrl', message: /must be an http:\/\/ or https:\/\/ URL/ },
    { line: 3, col: 8, path: 'database.url', message: /environment variable DATABASE_URL is not set/ },
    { line: 5, col: 32, path: 'database.sourceSchemas[1]', message: /`public` is the target schema/ },
    { line: 6, col: 18, path: 'database.lockTimeoutMs', message: /expected an integer ≥ 1, got -5/ },
    { line: 8, col: 46, path: 'auth.member.loginPath', message: /must start with `\/`/ },
    { line: 8, col: 11, path: 'auth.member.password', message: /`password` is required: add `password: \$\{ALICE_PW\}`/ },
    { line: 9, col: 8, path: 'auth.api.type', message: /`type` is required: one of `bearer`, `basic`, `header`, `django-session`/ },
    { line: 12, col: 50, path: 'endpoints[1].auth', message: /auth profile `memberr` is not defined.*did you mean `member`\?/ },
    { line: 13, col: 13, path: 'endpoints[2].name', message: /duplicate endpoint name `settings` \(also endpoints\[1\], line 12\)/ },
    { line: 13, col: 49, path: 'endpoints[2].expect', message: /expected an integer from 100 to 599, got 700/ },
    { line: 14, col: 41, path: 'endpoints[3].method', message: /unknown value `FETCH` \(allowed: `GET`/ },
    { line: 14, col: 48, path: 'endpoints[3].timeout', message: /unknown key `timeout`; allowed here: `name`, `path`/ },
    { line: 16, col: 16, path: 'http.concurrency', message: /expected an integer ≥ 1, got `many`/ },
    { line: 18, col: 9, path: 'repair.mode', message: /expected one of `plan`, `apply`, got true\/false$/ },
    { line: 19, col: 7, path: 'logs', message: /expected a list, got text/ },
  ];
  const byPosition = (a: { line: number; col: number }, b: { line: number; col: number }): number => a.line - b.line || a.col - b.col;
  t.same(
    problems.map(({ line, col, path }) => ({ line, col, path })),
    [...expected].sort(byPosition).map(({ line, col, path }) => ({ line, col, path })),
    'every problem, sorted by position',
  );
  for (const e of expected) {
    const p = problems.find((q) => q.path === e.path);
    t.match(p?.message, e.message, e.path);
    t.equal(p?.file, file);
  }
  // The CLI prints the error's message: each problem is one `file:line:col path: message` line.
  t.match((err as ConfigError).message, `${problems.length} problems in the config:`);
  t.match((err as ConfigError).message, `${file}:12:50 endpoints[1].auth: auth profile \`memberr\``);
});

t.test('misspelt keys and values get a "did you mean"', async (t) => {
  const cases: { name: string; yaml: string; path: string; message: RegExp }[] = [
    { name: 'top-level key, case', yaml: MINIMAL.replace('baseUrl', 'baseURL'), path: 'baseURL', message: /unknown key `baseURL`; did you mean `baseUrl`\?/ },
    { name: 'swapped letters', yaml: MINIMAL.replace('endpoints', 'endpiont'), path: 'endpiont', message: /did you mean `endpoints`\?/ },
    { name: 'nested key', yaml: MINIMAL.replace('database:\n', 'database:\n  tagetSchema: x\n'), path: 'database.tagetSchema', message: /did you mean `targetSchema`\?/ },
    { name: 'section key written at the top', yaml: MINIMAL + 'concurrency: 4\n', path: 'concurrency', message: /not a top-level key; move it under `http`/ },
    { name: 'endpoint key', yaml: MINIMAL + '  - { path: /a, expects: 200 }\n', path: 'endpoints[1].expects', message: /did you mean `expect`\?/ },
    { name: 'auth profile key', yaml: MINIMAL + 'auth:\n  a: { type: basic, username: u, passwrd: pw }\n', path: 'auth.a.passwrd', message: /did you mean `password`\?/ },
    { name: 'auth type', yaml: MINIMAL + 'auth:\n  a: { type: django_session }\n', path: 'auth.a.type', message: /did you mean `django-session`\?/ },
    { name: 'enum value', yaml: MINIMAL + 'repair: { mode: aply }\n', path: 'repair.mode', message: /did you mean `apply`\?/ },
    { name: 'method case', yaml: MINIMAL + '  - { path: /a, method: post }\n', path: 'endpoints[1].method', message: /did you mean `POST`\?/ },
    { name: 'nothing close', yaml: MINIMAL + 'colour: red\n', path: 'colour', message: /^unknown key `colour`; allowed here: `baseUrl`, `database`/ },
  ];
  for (const c of cases) {
    const { problems } = await validateConfigFile(writeConfig(t, c.yaml, `${c.name.replace(/\W+/g, '-')}.yaml`), {});
    const p = problems.find((q) => q.path === c.path);
    t.match(p?.message, c.message, c.name);
  }
  const misspeltRequired = await validateConfigFile(writeConfig(t, MINIMAL.replace('baseUrl', 'baseURL'), 'once.yaml'), {});
  t.equal(misspeltRequired.problems.length, 1, 'a misspelt required key is reported once, not also as missing');
});

t.test('endpoint auth must name a defined profile', async (t) => {
  const cases: { name: string; auth: string; message: RegExp }[] = [
    { name: 'no profiles at all', auth: '', message: /auth profile `admin` is not defined under `auth` \(no profiles are defined there yet\)$/ },
    {
      name: 'other profiles',
      auth: 'auth:\n  member: { type: bearer, token: t0k3n }\n  api: { type: bearer, token: t0k3n }\n',
      message: /\(known profiles: `member`, `api`\)$/,
    },
    { name: 'a near miss', auth: 'auth:\n  admins: { type: bearer, token: t0k3n }\n', message: /did you mean `admins`\?$/ },
  ];
  for (const c of cases) {
    const yaml = MINIMAL + '  - { path: /admin/, auth: admin }\n' + c.auth;
    const { problems } = await validateConfigFile(writeConfig(t, yaml, `${c.name.replace(/\W+/g, '-')}.yaml`), {});
    t.match(problems, [{ line: 6, col: 28, path: 'endpoints[1].auth', message: c.message }], c.name);
  }
  // A profile with problems of its own still counts as defined: no second, misleading problem.
  const broken = MINIMAL + '  - { path: /admin/, auth: admin }\nauth:\n  admin: { type: bearer }\n';
  const { problems } = await validateConfigFile(writeConfig(t, broken, 'broken-profile.yaml'), {});
  t.same(problems.map((p) => p.path), ['auth.admin.token']);
});

t.test('required keys and shapes', async (t) => {
  const cases: { name: string; yaml: string; problems: { line: number; col: number; path: string; message: RegExp }[] }[] = [
    {
      name: 'missing baseUrl, database.url and endpoints',
      yaml: 'database:\n  targetSchema: public\n',
      problems: [
        { line: 1, col: 1, path: 'baseUrl', message: /`baseUrl` is required: add `baseUrl: http:\/\/127.0.0.1:8000`/ },
        { line: 1, col: 1, path: 'endpoints', message: /`endpoints` is required/ },
        { line: 2, col: 3, path: 'database.url', message: /`url` is required: add `url: \$\{DATABASE_URL\}`/ },
      ],
    },
    {
      name: 'empty endpoints list',
      yaml: MINIMAL.replace('  - /health\n', '') + 'http: {}\n',
      problems: [{ line: 4, col: 1, path: 'endpoints', message: /`endpoints` has no value/ }],
    },
    {
      name: 'endpoints []',
      yaml: MINIMAL.replace('endpoints:\n  - /health\n', 'endpoints: []\n'),
      problems: [{ line: 4, col: 12, path: 'endpoints', message: /the list is empty: give at least one item/ }],
    },
    {
      name: 'database url not postgres',
      yaml: MINIMAL.replace('postgres://app@127.0.0.1:5432/app', 'mysql://app@127.0.0.1/app'),
      problems: [{ line: 3, col: 8, path: 'database.url', message: /must be a PostgreSQL URL/ }],
    },
    {
      name: 'path without slash, empty schema name, empty expect list',
      yaml: MINIMAL.replace('database:\n', 'database:\n  targetSchema: ""\n') + '  - health\n  - { path: /a, expect: [] }\n',
      problems: [
        { line: 3, col: 17, path: 'database.targetSchema', message: /must not be empty/ },
        { line: 7, col: 5, path: 'endpoints[1].path', message: /must start with `\/`/ },
        { line: 8, col: 25, path: 'endpoints[2].expect', message: /the list is empty/ },
      ],
    },
    {
      name: 'a GET with a body, a header name with a space',
      yaml: MINIMAL + '  - { path: /a, body: "x" }\nhttp:\n  headers: { "X Bad": 1 }\n',
      problems: [
        { line: 6, col: 23, path: 'endpoints[1].body', message: /a GET request cannot carry a body/ },
        { line: 8, col: 14, path: 'http.headers["X Bad"]', message: /`X Bad` is not a valid header name/ },
      ],
    },
  ];
  for (const c of cases) {
    const { problems } = await validateConfigFile(writeConfig(t, c.yaml, `${c.name.replace(/\W+/g, '-')}.yaml`), {});
    t.match(problems, c.problems, c.name);
    t.equal(problems.length, c.problems.length, `${c.name}: nothing else`);
  }
});

t.test('secret values never appear in problems or in the error message', async (t) => {
  const secrets = ['Sup3rS3cretDbPass', 'hunter2-alice', 'tok-0123456789', 'x-api-key-value-42', '987654321', 'unterminated-secret'];
  const yaml = `baseUrl: http://127.0.0.1:8000
database:
  url: mysql://root:Sup3rS3cretDbPass@db/app
auth:
  alice: { type: basic, username: alice, password: hunter2-alice, extra: 1 }
  bob: { type: basic, username: bob, password: 987654321 }
  api: { type: bearer, token: tok-0123456789, tokn: tok-0123456789 }
  svc: { type: header, name: "Bad Name", value: x-api-key-value-42 }
  carol: { type: basic, username: carol, password: "unterminated-secret\${PW" }
  dave: { type: header, name: X-Key, value: [ x-api-key-value-42 ] }
endpoints: [ /health ]
`;
  const err = await loadConfig(writeConfig(t, yaml), {}).catch((e: unknown) => e);
  t.ok(err instanceof ConfigError);
  const problems = (err as ConfigError).problems;
  t.same(problems.map((p) => p.path), [
    'database.url',
    'auth.alice.extra',
    'auth.bob.password',
    'auth.api.tokn',
    'auth.svc.name',
    'auth.carol.password',
    'auth.dave.value',
  ]);
  const text = (err as ConfigError).message + JSON.stringify(problems);
  for (const s of secrets) t.notOk(text.includes(s), `no ${s}`);

  // The YAML parser quotes source text in some errors; those quotes are cut.
  const brokenCases = [
    'baseUrl: http://x\nauth:\n  api:\n    type: basic\n    password: |tok-0123456789\n',
    'baseUrl: http://x\nauth:\n  api: { type: bearer, token: "x" } } "tok-0123456789"\n',
    'baseUrl: http://x\nauth:\n  api: { type: basic, password: "tok\\q0123456789" }\n',
  ];
  for (const [i, broken] of brokenCases.entries()) {
    const syntax = await loadConfig(writeConfig(t, broken, `broken-${i}.yaml`), {}).catch((e: unknown) => e);
    t.match(syntax, { problems: [{ message: /^YAML syntax: / }] });
    t.notOk((syntax as ConfigError).message.includes('0123456789'), `no token in a syntax error: ${(syntax as ConfigError).message}`);
  }
});

t.test('key names that exist on every JS object are just names', async (t) => {
  const yaml = MINIMAL + '  - { path: /a, auth: constructor }\n' + 'toString: 1\n';
  const { problems } = await validateConfigFile(writeConfig(t, yaml), {});
  t.match(problems, [
    { line: 6, col: 23, path: 'endpoints[1].auth', message: /auth profile `constructor` is not defined/ },
    { line: 7, col: 1, path: 'toString', message: /unknown key `toString`/ },
  ]);
  t.equal(problems.length, 2);

  const headers = await loadConfig(writeConfig(t, MINIMAL + '  - { path: /a, headers: { __proto__: x } }\n', 'proto.yaml'), {});
  t.same(Object.entries(headers.endpoints[1]?.headers ?? {}), [['__proto__', 'x']], 'an own header, not a prototype');
});

t.test('a system schema is refused as target or source', async (t) => {
  const yaml = `baseUrl: http://127.0.0.1:8000
database:
  url: postgres://app@127.0.0.1:5432/app
  targetSchema: pg_catalog
  sourceSchemas: [test_schema, information_schema, pg_toast]
endpoints: [/health]
`;
  const { problems } = await validateConfigFile(writeConfig(t, yaml), {});
  t.match(problems, [
    { line: 4, path: 'database.targetSchema', message: /`pg_catalog` is a PostgreSQL system schema/ },
    { line: 5, path: 'database.sourceSchemas[1]', message: /`information_schema` is a PostgreSQL system schema/ },
    { line: 5, path: 'database.sourceSchemas[2]', message: /`pg_toast` is a PostgreSQL system schema/ },
  ]);
  t.equal(problems.length, 3);
});

t.test('a problem\'s key path and position as printed: endpoints[2].auth, odd keys quoted, line:col 1-based', async (t) => {
  t.equal(formatPath(['endpoints', 2, 'auth']), 'endpoints[2].auth');
  t.equal(formatPath(['auth', 'my profile', 'type']), 'auth["my profile"].type');
  t.equal(formatPath([]), '');
  const lineCounter = new LineCounter();
  parseDocument('a: 1\nbb: 2\n', { lineCounter });
  const problems = new ProblemCollector('x.yaml', lineCounter);
  problems.atOffset(5, ['bb'], 'wrong');
  problems.atOffset(0, [], 'no newline');
  t.same(problems.problems, [
    { file: 'x.yaml', line: 2, col: 1, path: 'bb', message: 'wrong' },
    { file: 'x.yaml', line: 1, col: 1, path: '', message: 'no newline' },
  ]);
  t.same(new ProblemCollector('y.yaml').positionOf(40), { line: 1, col: 1 }, 'no source to point at');
});
