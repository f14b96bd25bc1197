/**
 * report.json: the RunResult, machine-readable. `$schemaVersion` lets consumers detect a change of
 * shape; bump it when a field is renamed or removed (adding optional fields keeps 1).
 */
import { sourcesOf, type Answered, type Finding, type FindingSource } from '../diagnose/types.js';
import { answers, type RoundResult, type RunResult } from '../result.js';
import type { Refusal, RepairAction, RepairRecord } from '../repair/types.js';

export const REPORT_SCHEMA_VERSION = 1;

/**
 * Version 1 names the finding of an action or refusal `finding` (the others of a merged action in
 * `findings`) and a repair's evidence `sources`. The run carries each finding once with its key and
 * sources (`Answered`); report.json keeps the keys its readers know.
 */
type V1<T extends { readonly findings: Answered }> = Omit<T, 'findings'> & { readonly finding: Finding; readonly findings?: readonly Finding[] };

function v1<T extends RepairAction | Refusal>(item: T): V1<T> {
  const { findings, ...rest } = item;
  return { ...rest, finding: findings[0].finding, ...(findings.length > 1 ? { findings: findings.map((f) => f.finding) } : {}) };
}

function v1Record(record: RepairRecord): Omit<RepairRecord, 'action'> & { readonly action: V1<RepairAction>; readonly sources: readonly FindingSource[] } {
  return { ...record, action: v1(record.action), sources: sourcesOf(record.action.findings) };
}

function v1Round(round: RoundResult) {
  return { ...round, repairs: round.repairs.map(v1Record), refusals: round.refusals.map(v1) };
}

export function renderJson(result: RunResult): string {
  // `counts` is derived (result.ts answers), the same numbers as the terminal summary and report.md.
  const document = { $schemaVersion: REPORT_SCHEMA_VERSION, ...result, rounds: result.rounds.map(v1Round), counts: answers(result).counts };
  return JSON.stringify(document, null, 2) + '\n';
}
