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

/** The value report.json holds: the result in version 1's shape, with its derived counts. */
export function reportDocument(result: RunResult) {
  // `counts` is derived (result.ts answers), the same numbers as the terminal summary and report.md.
  return { $schemaVersion: REPORT_SCHEMA_VERSION, ...result, rounds: result.rounds.map(v1Round), counts: answers(result).counts };
}

export function renderJson(result: RunResult): string {
  return [...renderJsonChunks(result)].join('');
}

/**
 * report.json in pieces, the same text as one `JSON.stringify(…, null, 2)`: at 10,000 endpoints it
 * is tens of MB, and write.ts writes it as it is rendered instead of holding it (and its masked
 * copy, and its bytes) whole. Only what holds a long list (the result, its rounds, a round, its
 * probes) is cut; the rest is rendered by JSON.stringify itself, `BATCH` list members at a time.
 */
export function* renderJsonChunks(result: RunResult): Generator<string> {
  yield* jsonChunks(reportDocument(result), 0);
  yield '\n';
}

/** List members rendered by one JSON.stringify. */
const BATCH = 100;
/** How deep a long list is looked for (result → rounds → round → probes). */
const LEVELS = 4;

/** What JSON.stringify leaves out of an object. */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function';

/** A list longer than BATCH, or a container holding one within `levels`. */
function holdsLongList(value: unknown, levels: number): boolean {
  if (!isContainer(value)) return false;
  if (Array.isArray(value)) return value.length > BATCH || (levels > 0 && value.some((member) => holdsLongList(member, levels - 1)));
  if (levels === 0) return false;
  // A loop over the keys, not Object.values: this runs for every probe, and the lists it made
  // were a tenth of the garbage of writing a 10,000-endpoint report.
  const record = value as Record<string, unknown>;
  for (const key in record) if (Object.hasOwn(record, key) && holdsLongList(record[key], levels - 1)) return true;
  return false;
}

/**
 * `value` as JSON.stringify(…, null, 2) writes it `depth` levels deep. It is rendered inside
 * `depth` one-member lists, so the indentation is JSON.stringify's own, and the wrapping is cut off.
 */
function nativeText(value: unknown, depth: number): string {
  if (!isContainer(value) || depth === 0) return JSON.stringify(value, null, 2) ?? 'null';
  let wrapped: unknown = value;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Each wrapper adds `[\n` + its indent before, `\n` + its indent + `]` after.
  const around = depth * (depth + 1);
  return text.slice(around + 2 * depth, text.length - around);
}

const indent = (depth: number) => '  '.repeat(depth);

function* jsonChunks(value: unknown, depth: number): Generator<string> {
  if (!holdsLongList(value, LEVELS - depth)) {
    yield nativeText(value, depth);
    return;
  }
  const inner = indent(depth + 1);
  if (Array.isArray(value)) {
    yield '[';
    for (let start = 0; start < value.length; start += BATCH) {
      const batch = value.slice(start, start + BATCH);
      const separator = start === 0 ? '\n' : ',\n';
      if (batch.some((member) => holdsLongList(member, LEVELS - depth - 1))) {
        for (let i = 0; i < batch.length; i++) {
          yield (i === 0 ? separator : ',\n') + inner;
          yield* jsonChunks(omitted(batch[i]) ? null : batch[i], depth + 1);
        }
      } else {
        // The batch as a list one level deeper, without its brackets: its members, indented.
        const text = nativeText(batch, depth);
        yield separator + text.slice(2, text.length - 1 - (2 * depth + 1));
      }
    }
    yield '\n' + indent(depth) + ']';
    return;
  }
  let first = true;
  for (const [key, member] of Object.entries(value as object)) {
    if (omitted(member)) continue;
    yield (first ? '{\n' : ',\n') + inner + JSON.stringify(key) + ': ';
    first = false;
    yield* jsonChunks(member, depth + 1);
  }
  yield first ? '{}' : '\n' + indent(depth) + '}';
}
