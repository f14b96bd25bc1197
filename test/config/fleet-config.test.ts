/** The fleet keys: `targets` (inherit, deep merge, lists replace), `targetsFrom`, `fleet`. */
import t from 'tap';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import { resolveTargets } from '../../src/fleet/targets.js';
import { MINIMAL, writeConfig } from './write-config.js';

t.test('the issue’s example: each target inherits the top level and overrides some keys', async (t) => {
  const file = writeConfig(
    t,
    `endpoints: [ /health ]
http: { timeoutMs: 2000, headers: { X-Team: core } }
database: { sourceSchemas: [old] }
repair: { mode: apply }
targets:
  - { name: eu, baseUrl: https://eu.example.com, database: { url: \${EU_DB} } }
  - name: us
    baseUrl: https://us.example.com
    database: { url: \${US_DB}, targetSchema: app }
    http: { headers: { Host: us.example.com } }
    endpoints: [ /ping, /status ]
fleet: { concurrency: 4, canary: 1, stopAfterFailures: 0 }
`,
  );
  const config = await loadConfig(file, { EU_DB: 'postgres://u:eu-secret@eu/app', US_DB: 'postgres://u:us-secret@us/app' });
  t.same(config.fleet, { concurrency: 4, canary: 1, stopAfterFailures: 0 });
  const [eu, us] = await resolveTargets(config);
  t.equal(eu!.config!.baseUrl, 'https://eu.example.com');
  t.same(eu!.config!.database.sourceSchemas, ['old'], 'inherited from the top level');
  t.equal(eu!.config!.database.targetSchema, 'public', 'the default where neither sets it');
  t.same(eu!.config!.endpoints.map((e) => e.path), ['/health']);
  t.equal(us!.config!.database.targetSchema, 'app');
  t.equal(us!.config!.database.url, 'postgres://u:us-secret@us/app', 'objects merge key by key');
  t.same(us!.config!.http.headers, { 'X-Team': 'core', Host: 'us.example.com' }, 'header maps merge');
  t.equal(us!.config!.http.timeoutMs, 2000);
  t.same(us!.config!.endpoints.map((e) => e.path), ['/ping', '/status'], 'lists replace');
  t.equal(us!.config!.repair.mode, 'apply');
  t.equal(us!.folder, 'us');
});

t.test('a config without fleet keys is one target, as before', async (t) => {
  const config = await loadConfig(writeConfig(t, MINIMAL), {});
  t.equal(config.targets, undefined);
  t.equal(config.targetsFrom, undefined);
});

t.test('bad fleet keys are reported at their line:col', async (t) => {
  const file = writeConfig(
    t,
    `endpoints: [ /health ]
targets:
  - { name: eu, baseUrl: https://eu.example.com, database: { url: "postgres://u@h/eu" } }
  - { name: eu, baseUrl: https://us.example.com, database: { url: "postgres://u@h/us" } }
  - { name: "../x", baseUrl: https://x.example.com, database: { url: "postgres://u@h/x" } }
  - { name: nourl, baseUrl: https://n.example.com }
  - { name: sys, baseUrl: https://s.example.com, database: { url: "postgres://u@h/s", targetSchema: pg_catalog } }
  - { name: typo, baseURL: https://t.example.com, database: { url: "postgres://u@h/t" } }
fleet: { concurrency: 0, canary: -1 }
`,
  );
  const { problems } = await validateConfigFile(file, {});
  const got = problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`);
  const want: [string, RegExp][] = [
    ['4:13 targets[1].name', /duplicate target name `eu` \(also targets\[0\], line 3\)/],
    ['5:13 targets[2].name', /must be 1–100 letters, digits/],
    ['6:5 targets[3]', /target `nourl` has no `database.url`: set it in the target or at the top level/],
    ['7:101 database.targetSchema', /in target `sys`: `pg_catalog` is a PostgreSQL system schema/],
    ['8:5 targets[5]', /target `typo` has no `baseUrl`/],
    ['8:19 targets[5].baseURL', /unknown key `baseURL`; did you mean `baseUrl`\?/],
    ['9:23 fleet.concurrency', /expected an integer ≥ 1, got 0/],
    ['9:34 fleet.canary', /expected an integer ≥ 0, got -1/],
  ];
  for (const [where, message] of want) t.ok(got.some((g) => g.startsWith(where) && message.test(g)), `${where} ${message}`);
  t.equal(got.length, want.length, got.join('\n'));
});

t.test('targetsFrom: query and a name column are required, at their line:col', async (t) => {
  const { problems } = await validateConfigFile(
    writeConfig(t, `${MINIMAL}targetsFrom:\n  as: { headers: { Host: domain_url } }\n`),
    {},
  );
  t.same(
    problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`),
    [
      '7:3 targetsFrom.query: `query` is required: add `query: select schema_name, domain_url from public.customers_client`',
      '7:7 targetsFrom.as: map `name` or `targetSchema` to a column: each row needs a name (e.g. `as: { targetSchema: schema_name }`)',
    ],
  );
});
