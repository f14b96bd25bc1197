/**
 * A fleet of 40 targets on a real PostgreSQL: 36 tenant schemas of one database (targetsFrom,
 * the app picking the tenant by Host) and 4 separate databases (targets), each with a drifted
 * `item` table. Checked as a user would: where the tables are afterwards, the exit code, and
 * the one summary (report.md, junit.xml, fleet.json) — in one process and as 4 shard processes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { fleetReport } from '../../src/commands/fleet-report.js';
import { TargetsQueryError } from '../../src/fleet/errors.js';
import type { FleetResult } from '../../src/fleet/result.js';
import { runFleet } from '../../src/commands/fleet-run.js';
import { stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { createTenantWorld, tenantName, worldConfig } from '../helpers/tenant-world.js';
import { cli } from '../helpers/cli.js';

stopSharedServerAtEnd(t);


async function configFile(dir: string, text: string): Promise<string> {
  const file = join(dir, 'fleet.yaml');
  await writeFile(file, text);
  return file;
}

// One world for the file (creating databases is the slow part); each test puts the drift back.
const world = await createTenantWorld(t, { tenants: 36, databases: 4 });

const junitSuites = (xml: string): { '@_name': string; '@_failures': string; '@_errors': string }[] => {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'testsuite' }).parse(xml);
  return doc.testsuites.testsuite;
};

t.test('40 targets (36 tenant schemas, 4 databases) are repaired with one summary', async (t) => {
  await world.drift();
  const dir = await tempDir(t, 'smoke-fix-fleet-');
  const config = await loadConfig(await configFile(dir, worldConfig(world, join(dir, 'reports'), { extra: 'fleet: { concurrency: 8 }' })), {});
  const { result, dir: summary } = await runFleet({ config });

  t.equal(result.exitCode, 0, 'exit 0: every target green');
  t.equal(result.targets.length, 40, 'one row per target');
  t.same([...new Set(result.targets.map((x) => x.outcome))], ['green'], 'every target green');
  // Each tenant's table is back in its own schema, not in another tenant's.
  const schemas = await world.itemSchemas();
  for (const s of world.tenants) t.equal(schemas.get(s), s, `${s}.item repaired into ${s}`);
  t.same([...(await world.dbItemSchemas()).values()], ['public', 'public', 'public', 'public'], 'each database repaired');
  t.ok(world.tenants.every((s) => (world.tenantHits.get(s) ?? 0) >= 2), 'each tenant was probed through its own Host');

  const md = await readFile(join(summary, 'report.md'), 'utf8');
  t.match(md, /exit 0/);
  for (const name of [...world.tenants, 'db-1', 'db-4']) t.match(md, new RegExp(`\\| ${name.replace(/_/g, '\\\\_')} \\| green \\| 0 \\| 1 \\| \\[report.md\\]`), `row of ${name}`);
  // The link of a row opens that target's own run report.
  const row = result.targets.find((x) => x.name === tenantName(7))!;
  t.match(await readFile(join(summary, row.report!), 'utf8'), /tenant_07/, 'a row links to its target run report');
  t.ok(row.report!.includes(`${tenantName(7)}/`), 'the run folder is <report.dir>/<target>/…');

  const suites = junitSuites(await readFile(join(summary, 'junit.xml'), 'utf8'));
  t.equal(suites.length, 40, 'junit.xml has a testsuite per target');
  t.same(suites.map((s) => s['@_name']).sort(), result.targets.map((x) => x.name).sort());
  const jsonText = await readFile(join(summary, 'fleet.json'), 'utf8');
  t.equal((JSON.parse(jsonText) as FleetResult).targets.length, 40);
  const password = new URL(world.main.url).password;
  t.ok(password.length > 0 && ![md, jsonText].some((text) => text.includes(password)), 'no database password in the summary');
  t.match(jsonText, /postgres:\*\*\*@/, 'database URLs are shown redacted');
});

t.test('the same fleet as 4 shard processes covers each target exactly once; fleet-report merges them', async (t) => {
  await world.drift();
  const dir = await tempDir(t, 'smoke-fix-shards-');
  const reports = join(dir, 'reports');
  const file = await configFile(dir, worldConfig(world, reports, { extra: 'fleet: { concurrency: 8 }' }));

  const shards = await Promise.all([1, 2, 3, 4].map((i) => cli(['run', file, '--shard', `${i}/4`, '--json'])));
  const seen = new Map<string, number>();
  for (const [i, s] of shards.entries()) {
    t.equal(s.code, 0, `shard ${i + 1} exits 0 (${s.stderr.slice(0, 300)})`);
    const out = JSON.parse(s.stdout) as FleetResult;
    t.same(out.shard, { index: i + 1, count: 4 });
    for (const target of out.targets) seen.set(target.name, (seen.get(target.name) ?? 0) + 1);
  }
  t.equal(seen.size, 40, 'the shards together ran all 40 targets');
  t.same([...new Set(seen.values())], [1], 'each target ran in exactly one shard');
  const schemas = await world.itemSchemas();
  t.ok(world.tenants.every((s) => schemas.get(s) === s), 'every tenant repaired');

  const merged = await cli(['fleet-report', reports, '--json']);
  t.equal(merged.code, 0, `fleet-report exits 0 (${merged.stderr})`);
  const result = JSON.parse(merged.stdout) as FleetResult & { summaryDir: string };
  t.equal(result.targets.length, 40, 'the merge holds every target once');
  t.same(result.warnings, []);
  t.equal(junitSuites(await readFile(join(result.summaryDir, 'junit.xml'), 'utf8')).length, 40, 'one junit.xml, a testsuite per target');
  const row = result.targets.find((x) => x.name === 'db-2')!;
  t.match(await readFile(join(result.summaryDir, row.report!), 'utf8'), /green/, 'merged links open the shard runs’ reports');

  // Three of four shards are not the fleet: the merge says which is missing and is not green.
  const partial = await fleetReport({ dirs: (await shardDirs(reports)).slice(0, 3) });
  t.equal(partial.result.exitCode, 1, 'a missing shard is exit 1');
  t.match(partial.result.warnings.join('\n'), /shard \d of 4 is missing: its targets were not checked/);
  t.match(await readFile(join(partial.dir, 'report.md'), 'utf8'), /Warning:\*\* shard \d of 4 is missing/);
});

async function shardDirs(reports: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(join(reports, '_fleet'))).filter((n) => n.includes('-shard-')).sort().map((n) => join(reports, '_fleet', n));
}

/** A target whose table is nowhere (stuck, exit 1), before three tenants; `extra` sets `fleet`. */
async function smallFleet(t: { teardown(fn: () => unknown): void }, extra: string, more: string[] = []) {
  await world.drift();
  const dir = await tempDir(t, 'smoke-fix-fleet-');
  const broken = `  - { name: broken, http: { headers: { Host: tenant-zz.example.test } }, database: { targetSchema: tenant_zz, sourceSchemas: [tenant_zz_old] } }`;
  const text = worldConfig(world, join(dir, 'reports'), { where: "schema_name in ('tenant_01', 'tenant_02', 'tenant_03')", targets: [broken, ...more], extra });
  return loadConfig(await configFile(dir, text), {});
}

t.test('a canary that does not end green stops the rest, which change nothing and say why', async (t) => {
  const { result, dir } = await runFleet({ config: await smallFleet(t, 'fleet: { canary: 1, concurrency: 4 }') });
  t.equal(result.exitCode, 1, 'exit 1');
  const broken = result.targets.find((x) => x.name === 'broken')!;
  t.equal(broken.outcome, 'stuck', 'the canary ran and got stuck');
  const rest = result.targets.filter((x) => x.name !== 'broken');
  t.same(rest.map((x) => [x.name, x.outcome, x.exitCode]), [['tenant_01', 'not-run', 1], ['tenant_02', 'not-run', 1], ['tenant_03', 'not-run', 1]]);
  for (const x of rest) t.match(x.reason, /canary target `broken` did not end green/);
  const schemas = await world.itemSchemas();
  t.same(['tenant_01', 'tenant_02', 'tenant_03'].map((s) => schemas.get(s)), ['tenant_01_old', 'tenant_02_old', 'tenant_03_old'], 'nothing moved');
  t.match(await readFile(join(dir, 'report.md'), 'utf8'), /\*\*tenant\\_01\*\* \(not-run, exit 1\): not run: the canary/);
});

t.test('a failing target does not stop the others; the exit code is the worst target’s', async (t) => {
  const { result } = await runFleet({ config: await smallFleet(t, 'fleet: { concurrency: 2 }') });
  t.same(result.targets.map((x) => [x.name, x.exitCode]), [['broken', 1], ['tenant_01', 0], ['tenant_02', 0], ['tenant_03', 0]]);
  t.equal(result.exitCode, 1, 'worst is 1');
  const schemas = await world.itemSchemas();
  t.same(['tenant_01', 'tenant_02', 'tenant_03'].map((s) => schemas.get(s)), ['tenant_01', 'tenant_02', 'tenant_03'], 'the others were repaired');

  // A database that cannot be reached is an environment error: 3 beats 1 and 0.
  const down = `  - { name: down, database: { url: "postgres://nobody:pw@127.0.0.1:1/none", connectRetries: 1 } }`;
  const worst = await runFleet({ config: await smallFleet(t, 'fleet: { concurrency: 2 }', [down]) });
  t.same(worst.result.targets.map((x) => [x.name, x.exitCode]), [['broken', 1], ['down', 3], ['tenant_01', 0], ['tenant_02', 0], ['tenant_03', 0]]);
  t.equal(worst.result.exitCode, 3, 'worst is 3');
});

t.test('stopAfterFailures: N stops starting targets after N failures', async (t) => {
  const { result } = await runFleet({ config: await smallFleet(t, 'fleet: { concurrency: 1, stopAfterFailures: 1 }') });
  t.same(result.targets.map((x) => [x.name, x.outcome]), [['broken', 'stuck'], ['tenant_01', 'not-run'], ['tenant_02', 'not-run'], ['tenant_03', 'not-run']]);
  t.match(result.targets[1]!.reason, /stopAfterFailures is 1/);
});

t.test('targetsFrom rows are data: a bad row is reported, not run; the others run', async (t) => {
  await world.drift();
  const dir = await tempDir(t, 'smoke-fix-rows-');
  const rows = [
    `('tenant_01', 'tenant-01.example.test', 'tenant_01_old')`,
    `('pg_catalog', 'tenant-02.example.test', 'tenant_02_old')`,
    `(NULL, 'tenant-03.example.test', 'tenant_03_old')`,
    `('tenant_04', 'tenant-04.example.test', 'tenant_04')`,
    `('tenant_01', 'tenant-01.example.test', 'tenant_01_old')`,
  ];
  const query = `select * from (values ${rows.join(', ')}) v(schema_name, domain_url, drift_schema)`;
  const config = await loadConfig(await configFile(dir, worldConfig(world, join(dir, 'reports'), { query, targets: [] })), {});
  const { result } = await runFleet({ config });
  t.same(result.targets.map((x) => [x.name, x.outcome]), [['tenant_01', 'green'], ['pg_catalog', 'invalid'], ['(row 3)', 'invalid'], ['tenant_04', 'invalid'], ['tenant_01', 'invalid']]);
  t.match(result.targets[1]!.reason, /targetsFrom row 2: database.targetSchema: `pg_catalog` is a PostgreSQL system schema/);
  t.match(result.targets[2]!.reason, /no name: the `schema_name` column is NULL/);
  t.match(result.targets[3]!.reason, /`tenant_04` is the target schema; a schema cannot be both the target and a source/);
  t.match(result.targets[4]!.reason, /duplicate target name `tenant_01` \(targetsFrom row 5, also targetsFrom row 1\)/);
  t.equal(result.exitCode, 1);
  const schemas = await world.itemSchemas();
  t.same([schemas.get('tenant_01'), schemas.get('tenant_02'), schemas.get('tenant_04')], ['tenant_01', 'tenant_02_old', 'tenant_04_old'], 'only the valid row was repaired');
});

t.test('targetsFrom: a column `as` names that the query lacks, or a query that writes, is a config error (exit 2)', async (t) => {
  const dir = await tempDir(t, 'smoke-fix-rows-');
  const missing = await loadConfig(await configFile(dir, worldConfig(world, dir, { as: '{ targetSchema: schema }', targets: [] })), {});
  const error = (await runFleet({ config: missing }).then(() => undefined, (e: unknown) => e)) as TargetsQueryError;
  t.ok(error instanceof TargetsQueryError);
  t.equal(error.exitCode, 2);
  t.match(error.message, /targetsFrom.as.targetSchema names the column `schema`, which targetsFrom.query does not return \(it returns: `schema_name`, `domain_url`, `drift_schema`\)/);

  const writes = await loadConfig(
    await configFile(dir, worldConfig(world, dir, { query: `insert into public.customers_client values ('x', 'x', 'x') returning *`, targets: [] })),
    {},
  );
  const refused = (await runFleet({ config: writes }).then(() => undefined, (e: unknown) => e)) as TargetsQueryError;
  t.match(refused.message, /read-only transaction.*SQLSTATE 25006/);
  t.same(await world.main.query(`select 1 from public.customers_client where schema_name = 'x'`), [], 'nothing was written');
});
