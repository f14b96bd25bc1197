/**
 * A fleet of 40 targets on a real PostgreSQL: 36 tenant schemas of one database (targetsFrom,
 * the app picking the tenant by Host) and 4 separate databases (targets), each with a drifted
 * `item` table. Checked as a user would: where the tables are afterwards, the exit code, and
 * the one summary (report.md, junit.xml, fleet.json) — in one process and as 4 shard processes.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import type { FleetResult } from '../../src/fleet/result.js';
import { runFleet } from '../../src/fleet/run.js';
import { stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { createTenantWorld, tenantName, worldConfig } from '../helpers/tenant-world.js';

stopSharedServerAtEnd(t);

const BIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function configFile(dir: string, text: string): Promise<string> {
  const file = join(dir, 'fleet.yaml');
  await writeFile(file, text);
  return file;
}

const junitSuites = (xml: string): { '@_name': string; '@_failures': string; '@_errors': string }[] => {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'testsuite' }).parse(xml);
  return doc.testsuites.testsuite;
};

t.test('40 targets (36 tenant schemas, 4 databases) are repaired with one summary', async (t) => {
  const world = await createTenantWorld(t, { tenants: 36, databases: 4 });
  const dir = await tempDir(t, 'smoke-fix-fleet-');
  const config = await loadConfig(await configFile(dir, worldConfig(world, join(dir, 'reports'), 'fleet: { concurrency: 8 }')), {});
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
  const json = JSON.parse(await readFile(join(summary, 'fleet.json'), 'utf8')) as FleetResult;
  t.equal(json.targets.length, 40);
});

t.test('the same fleet as 4 shard processes covers each target exactly once; fleet-report merges them', async (t) => {
  const world = await createTenantWorld(t, { tenants: 36, databases: 4 });
  const dir = await tempDir(t, 'smoke-fix-shards-');
  const reports = join(dir, 'reports');
  const file = await configFile(dir, worldConfig(world, reports, 'fleet: { concurrency: 4 }'));

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
  const partial = await cli(['fleet-report', ...(await shardDirs(reports)).slice(0, 3)]);
  t.equal(partial.code, 1, 'a missing shard is exit 1');
  t.match(partial.stdout, /shard \d of 4 is missing/);
});

async function shardDirs(reports: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(join(reports, '_fleet'))).filter((n) => n.includes('-shard-')).sort().map((n) => join(reports, '_fleet', n));
}
