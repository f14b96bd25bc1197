/**
 * report.json: the RunResult itself, machine-readable. `$schemaVersion` lets consumers detect a
 * change of shape; bump it when a field is renamed or removed (adding optional fields keeps 1).
 */
import { countRun } from '../counts.js';
import type { RunResult } from '../result.js';

export const REPORT_SCHEMA_VERSION = 1;

export function renderJson(result: RunResult): string {
  // `counts` is derived (countRun), the same numbers as the terminal summary and report.md.
  return JSON.stringify({ $schemaVersion: REPORT_SCHEMA_VERSION, ...result, counts: countRun(result) }, null, 2) + '\n';
}
