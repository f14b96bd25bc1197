/**
 * The one definition of each count a run reports. The terminal summary, report.md, report.json and
 * junit.xml all call `countRun`, so they cannot disagree (a column refused in three rounds is one
 * refused finding everywhere, not 3 in one place and 1 in another).
 */
import { findingKey } from './diagnose/types.js';
import type { RunResult } from './result.js';

export interface RunCounts {
  readonly rounds: number;
  /** Distinct endpoints probed in any round or the final pass. */
  readonly endpoints: number;
  /** Repair records by status (each record is one statement that ran, would run, or rolled back). */
  readonly applied: number;
  readonly planned: number;
  readonly failed: number;
  /** Distinct findings refused in any round: a finding refused again in a later round counts once. */
  readonly refused: number;
  /** Endpoints passing / probed in the confirming pass (0/0 when none ran). */
  readonly finalPassing: number;
  readonly finalTotal: number;
}

export function countRun(result: Pick<RunResult, 'rounds' | 'final'>): RunCounts {
  const records = result.rounds.flatMap((r) => r.repairs);
  const endpoints = new Set<string>();
  for (const round of result.rounds) for (const p of round.probes) endpoints.add(p.endpoint);
  for (const p of result.final) endpoints.add(p.endpoint);
  const refused = new Set(result.rounds.flatMap((r) => r.refusals.map((x) => findingKey(x.finding))));
  return {
    rounds: result.rounds.length,
    endpoints: endpoints.size,
    applied: records.filter((r) => r.status === 'applied').length,
    planned: records.filter((r) => r.status === 'planned').length,
    failed: records.filter((r) => r.status === 'failed').length,
    refused: refused.size,
    finalPassing: result.final.filter((p) => p.ok).length,
    finalTotal: result.final.length,
  };
}
