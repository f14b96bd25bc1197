/** Terminal lines of a fleet run: one per finished target (stderr), the summary (stdout). */
import { join } from 'node:path';
import type { FleetResult, FleetTargetResult } from '../fleet/result.js';

export function fleetProgressLine(t: FleetTargetResult): string {
  const repairs = t.repairsApplied > 0 ? `, ${t.repairsApplied} repair${t.repairsApplied === 1 ? '' : 's'} applied` : '';
  return `target ${t.name}: ${t.outcome} (exit ${t.exitCode}${repairs})${t.exitCode === 0 ? '' : `: ${t.reason}`}\n`;
}

export function fleetSummaryText(result: FleetResult, dir: string): string {
  const byExit = [0, 1, 2, 3].map((c) => [c, result.targets.filter((t) => t.exitCode === c).length] as const).filter(([, n]) => n > 0);
  const lines = [
    `smoke-fix fleet: exit ${result.exitCode}: ${result.targets.length} target(s)${result.shard ? ` of shard ${result.shard.index}/${result.shard.count}` : ''}` +
      (byExit.length > 0 ? ` (${byExit.map(([c, n]) => `${n} exit ${c}`).join(', ')})` : ''),
    ...result.warnings.map((w) => `warning: ${w}`),
    `summary: ${join(dir, 'report.md')}`,
  ];
  return lines.join('\n') + '\n';
}
