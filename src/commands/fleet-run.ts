/**
 * Runs a fleet: every target of `targets`/`targetsFrom` (or of one shard) through the unchanged
 * single-target core, `runWithConfig`, each with its own run folder (`<report.dir>/<target>/…`)
 * and its own advisory lock (the lock key is per database and target schema, so two tenant
 * schemas of one database never wait for each other). Canaries first; a failing target stops the
 * others only when `fleet.stopAfterFailures` says so.
 */
import { join, relative, resolve } from 'node:path';
import { runWithConfig } from './run.js';
import { secretsOf } from '../config/secrets.js';
import type { RepairMode, ResolvedConfig } from '../config/types.js';
import { asSmokeFixError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { maskSecrets, redactUrl } from '../util/redact.js';
import { VERSION } from '../version.js';
import { notRunTestsuite, testsuiteOf, worstExitCode, type FleetResult, type FleetTargetResult, type TargetOutcome } from '../fleet/result.js';
import { claimSummaryFolder, writeFleetSummary } from '../fleet/report.js';
import { inShard, type Shard } from '../fleet/shard.js';
import { resolveTargets, type FleetTarget } from '../fleet/targets.js';

export interface FleetSettings {
  readonly config: ResolvedConfig;
  readonly mode?: RepairMode | undefined;
  /** Overrides `report.dir`: the root of every target's folder and of the fleet summary. */
  readonly reportDir?: string | undefined;
  readonly shard?: Shard | undefined;
  readonly logger?: Logger | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called as each target ends (progress). */
  readonly onTarget?: ((target: FleetTargetResult) => void) | undefined;
}

function notRun(target: FleetTarget, outcome: TargetOutcome, reason: string, exitCode: 0 | 1 | 2 | 3 = 1): FleetTargetResult {
  return {
    name: target.name,
    outcome,
    exitCode,
    reason,
    repairsApplied: 0,
    durationMs: 0,
    baseUrl: target.config?.baseUrl,
    database: target.config ? redactUrl(target.config.database.url) : undefined,
    targetSchema: target.config?.database.targetSchema,
    testsuite: notRunTestsuite(target.name, outcome, reason),
  };
}

async function runTarget(target: FleetTarget, config: ResolvedConfig, settings: FleetSettings, root: string, summaryDir: string): Promise<FleetTargetResult> {
  const started = Date.now();
  try {
    const out = await runWithConfig({
      config,
      mode: settings.mode,
      reportDir: join(root, target.folder),
      logger: settings.logger?.child({ target: target.name }),
      signal: settings.signal,
    });
    const { result } = out;
    return {
      name: target.name,
      outcome: result.outcome,
      exitCode: result.exitCode,
      reason: result.reason,
      repairsApplied: result.rounds.reduce((n, r) => n + r.repairs.filter((x) => x.status === 'applied').length, 0),
      durationMs: result.durationMs,
      report: relative(summaryDir, join(out.reportDir, 'report.md')),
      baseUrl: result.baseUrl,
      database: result.database,
      targetSchema: result.targetSchema,
      testsuite: testsuiteOf(target.name, result),
    };
  } catch (error) {
    // The single-target core turns environment failures into a result; anything thrown here is
    // a failure of the tool on this target, which must not take the other targets down with it.
    const message = maskSecrets(error instanceof Error ? error.message : String(error), secretsOf(config));
    const exitCode = asSmokeFixError(error).exitCode;
    return { ...notRun(target, 'error', `smoke-fix failed on this target: ${message}`, exitCode), durationMs: Date.now() - started };
  }
}

export interface FleetOutput {
  readonly result: FleetResult;
  /** The summary's folder (report.md, junit.xml, fleet.json). */
  readonly dir: string;
}

export async function runFleet(settings: FleetSettings): Promise<FleetOutput> {
  const { config, shard } = settings;
  const mode = settings.mode ?? config.repair.mode;
  const root = resolve(settings.reportDir ?? config.report.dir);
  const startedAt = new Date();
  const all = (await resolveTargets(config)).filter((t) => inShard(t.name, shard));
  // Claimed before any target runs: links in the summary are relative to it.
  const dir = await claimSummaryFolder(root, startedAt, shard ? `-shard-${shard.index}-of-${shard.count}` : '');
  const results = new Map<FleetTarget, FleetTargetResult>();
  const finish = (t: FleetTarget, r: FleetTargetResult) => {
    results.set(t, r);
    settings.onTarget?.(r);
  };
  for (const t of all) if (t.invalid !== undefined) finish(t, notRun(t, 'invalid', t.invalid));
  const runnable = all.filter((t) => t.config !== undefined);

  const { concurrency, canary, stopAfterFailures } = config.fleet;
  let failures = 0;
  let stopped: string | undefined;
  /**
   * At most `concurrency` targets at once, started in order. A few lines rather than p-limit:
   * the loop must also decide, before each start, whether starting is still allowed.
   */
  const runAll = async (targets: readonly FleetTarget[]) => {
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const t = targets[next++]!;
        if (settings.signal?.aborted) stopped ??= 'the run was interrupted (SIGINT/SIGTERM) before this target started';
        if (stopped !== undefined) {
          finish(t, notRun(t, 'not-run', stopped));
          continue;
        }
        const r = await runTarget(t, t.config!, settings, root, dir);
        if (r.exitCode !== 0) failures++;
        if (stopAfterFailures > 0 && failures >= stopAfterFailures) {
          stopped ??= `not run: fleet.stopAfterFailures is ${stopAfterFailures} and ${failures} target${failures === 1 ? '' : 's'} had failed`;
        }
        finish(t, r);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  };

  // Canaries guard against a repair that breaks every target alike; plan mode changes nothing,
  // so there it would only hold back the plans of the others.
  const canaries = mode === 'apply' ? runnable.slice(0, canary) : [];
  await runAll(canaries);
  const red = canaries.filter((t) => results.get(t)!.exitCode !== 0).map((t) => t.name);
  if (red.length > 0) stopped ??= `not run: the canary target${red.length === 1 ? '' : 's'} ${red.map((n) => `\`${n}\``).join(', ')} did not end green (fleet.canary: ${canary})`;
  await runAll(runnable.slice(canaries.length));

  const finishedAt = new Date();
  const targets = all.map((t) => results.get(t)!);
  const warnings: string[] = [];
  if (all.length === 0) warnings.push(shard ? `no target of this config falls in shard ${shard.index} of ${shard.count}` : 'the config names no target (targetsFrom.query returned no rows)');
  const result: FleetResult = {
    tool: { name: 'smoke-fix', version: VERSION },
    kind: 'fleet',
    configFile: config.file,
    mode,
    shard: shard ?? null,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    exitCode: worstExitCode(targets.map((t) => t.exitCode)),
    targets,
    warnings,
  };
  await writeFleetSummary(result, dir);
  return { result, dir };
}
