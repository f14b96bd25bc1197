/**
 * `smoke-fix fleet-report DIR…`: merges the summaries (fleet.json) of a fleet's shards into one
 * report.md / junit.xml / fleet.json and exits with the worst target's code. Each DIR is a
 * summary folder (holding fleet.json) or a report root (holding `_fleet/`), from which the newest
 * summary of each shard is taken. A shard missing from the merge, or a target found in two
 * shards, is a warning in the report and at least exit 1: the fleet was not covered exactly once.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { FleetSummaryError } from '../fleet/errors.js';
import { claimSummaryFolder, FLEET_FILES, FLEET_FOLDER, writeFleetSummary } from '../fleet/report.js';
import { worstExitCode, type FleetResult, type FleetTargetResult } from '../fleet/result.js';
import type { Shard } from '../fleet/shard.js';
import { VERSION } from '../version.js';

interface Loaded {
  readonly dir: string;
  readonly result: FleetResult;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function load(dir: string): Promise<Loaded> {
  const file = join(dir, FLEET_FILES.json);
  let result: FleetResult;
  try {
    result = JSON.parse(await readFile(file, 'utf8')) as FleetResult;
  } catch (error) {
    throw new FleetSummaryError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (result?.kind !== 'fleet' || !Array.isArray(result.targets)) throw new FleetSummaryError(`${file} is not a smoke-fix fleet summary`);
  return { dir, result };
}

/** The newest summary of each shard (of the newest run's shard count) under a report root. */
async function newestPerShard(root: string): Promise<Loaded[]> {
  const parent = join(root, FLEET_FOLDER);
  const names = await readdir(parent).catch(() => {
    throw new FleetSummaryError(`${root} holds neither ${FLEET_FILES.json} nor a ${FLEET_FOLDER}/ folder of fleet summaries: name a summary folder or a report.dir`);
  });
  const all: Loaded[] = [];
  for (const name of names) if (await isFile(join(parent, name, FLEET_FILES.json))) all.push(await load(join(parent, name)));
  const runs = all.filter((l) => !l.result.mergedShards).sort((a, b) => a.result.startedAt.localeCompare(b.result.startedAt));
  const newest = runs[runs.length - 1];
  if (!newest) throw new FleetSummaryError(`no fleet summary found under ${parent}`);
  const count = newest.result.shard?.count;
  if (count === undefined) return [newest];
  const byShard = new Map<number, Loaded>();
  for (const l of runs) if (l.result.shard?.count === count) byShard.set(l.result.shard.index, l);
  return [...byShard.values()];
}

export interface FleetReportOutput {
  readonly result: FleetResult;
  readonly dir: string;
}

export async function fleetReport(options: { readonly dirs: readonly string[]; readonly reportDir?: string | undefined }): Promise<FleetReportOutput> {
  if (options.dirs.length === 0) throw new FleetSummaryError('fleet-report needs at least one folder: a shard summary folder or a report.dir');
  const loaded: Loaded[] = [];
  let defaultRoot: string | undefined;
  for (const d of options.dirs.map((x) => resolve(x))) {
    const summary = await isFile(join(d, FLEET_FILES.json));
    // A summary folder sits at <report.dir>/_fleet/<name>: the merge goes beside it.
    defaultRoot ??= summary ? resolve(d, '..', '..') : d;
    loaded.push(...(summary ? [await load(d)] : await newestPerShard(d)));
  }
  const started = new Date();
  const out = await claimSummaryFolder(resolve(options.reportDir ?? defaultRoot!), started, '-merged');

  const warnings: string[] = [];
  /** Problems of coverage: the merge does not hold every target exactly once. */
  const coverage: string[] = [];
  const shards: Shard[] = [];
  const targets: FleetTargetResult[] = [];
  const seen = new Map<string, string>();
  for (const { dir, result } of loaded) {
    const label = result.shard ? `shard ${result.shard.index}/${result.shard.count}` : relative(process.cwd(), dir) || dir;
    if (result.shard) shards.push(result.shard);
    warnings.push(...result.warnings.map((w) => `${label}: ${w}`));
    for (const t of result.targets) {
      const also = seen.get(t.name);
      if (also !== undefined) coverage.push(`target \`${t.name}\` is in ${also} and ${label}: each target must belong to exactly one shard`);
      seen.set(t.name, label);
      // Links were relative to the shard's summary folder; make them relative to the merged one.
      targets.push({ ...t, report: t.report === undefined ? undefined : relative(out, resolve(dir, t.report)) });
    }
  }
  const counts = new Set(shards.map((s) => s.count));
  if (counts.size > 1) coverage.push(`the summaries come from different shard counts (${[...counts].join(', ')}): merge the shards of one run`);
  for (const count of counts) {
    for (let i = 1; i <= count; i++) {
      if (!shards.some((s) => s.count === count && s.index === i)) coverage.push(`shard ${i} of ${count} is missing: its targets were not checked`);
    }
  }
  const times = loaded.map((l) => l.result);
  const startedAt = times.map((r) => r.startedAt).sort()[0] ?? started.toISOString();
  const finishedAt = times.map((r) => r.finishedAt).sort().at(-1) ?? started.toISOString();
  const result: FleetResult = {
    tool: { name: 'smoke-fix', version: VERSION },
    kind: 'fleet',
    configFile: times[0]?.configFile ?? '',
    mode: times[0]?.mode ?? 'plan',
    shard: null,
    mergedShards: shards,
    startedAt,
    finishedAt,
    durationMs: new Date(finishedAt).getTime() - new Date(startedAt).getTime(),
    // A merge that does not cover the fleet exactly once is not green, whatever its targets say.
    exitCode: worstExitCode([...targets.map((t) => t.exitCode), coverage.length > 0 ? 1 : 0]),
    targets,
    warnings: [...coverage, ...warnings],
  };
  await writeFleetSummary(result, out);
  return { result, dir: out };
}
