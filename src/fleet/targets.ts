/**
 * The targets of a fleet config: the named `targets`, then one per row of `targetsFrom.query`.
 * Each becomes a complete single-target config (`mergeTarget`) that `runWithConfig` runs as it is.
 * Row values are data from a database: each is checked with the same rule as the config key it
 * fills, and a row that fails is reported as an invalid target, never run or guessed at.
 */
import { createHash } from 'node:crypto';
import { checkAcrossKeys, type PartialConfig } from '../config/checks.js';
import { TARGET_NAME } from '../config/fleet-spec.js';
import { CONFIG_SPEC } from '../config/config-spec.js';
import { ProblemCollector } from '../config/problems.js';
import { secretsOf } from '../config/secrets.js';
import type { ObjectSpec, StringSpec } from '../config/spec-types.js';
import type { ResolvedConfig, TargetsFromConfig } from '../config/types.js';
import { mergeTarget } from '../config/fleet-merge.js';
import { queryTargetRows, type TargetRow } from './rows.js';

export interface FleetTarget {
  readonly name: string;
  /** Folder under report.dir: the name itself when it is a safe folder name. */
  readonly folder: string;
  /** Where it came from, for messages: `targets[2]` or `targetsFrom row 7`. */
  readonly origin: string;
  /** The complete config of this target, or why there is none. */
  readonly config?: ResolvedConfig;
  readonly invalid?: string;
}

type Plain = Record<string, unknown>;

/** A safe folder for any name: names from rows may hold `/`, `..` or anything else. */
export function folderOf(name: string): string {
  if (new RegExp(TARGET_NAME).test(name) && name !== '.' && name !== '..') return name;
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60);
  return `${slug || 'target'}-${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8)}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function targetConfig(base: ResolvedConfig, override: Plain): ResolvedConfig {
  const { targets: _t, targetsFrom: _f, ...merged } = mergeTarget(base as unknown as Plain, override);
  return deepFreeze(merged) as unknown as ResolvedConfig;
}

/** The key table's own check of a string key, e.g. `field(['database', 'targetSchema'])`. */
function stringSpec(path: readonly string[]): StringSpec {
  let spec: ObjectSpec = CONFIG_SPEC;
  for (const key of path.slice(0, -1)) spec = spec.fields[key]!.spec as ObjectSpec;
  return spec.fields[path[path.length - 1]!]!.spec as StringSpec;
}

/** The problems of a row's values, each named by the config key it fills. */
function rowProblems(row: TargetRow, merged: ResolvedConfig, file: string): string[] {
  const out: string[] = [];
  const checkValue = (value: string | undefined, path: string[], label: string) => {
    if (value === undefined) return;
    const wrong = stringSpec(path).check?.(value);
    if (wrong !== undefined) out.push(`${label} ${wrong}`);
  };
  checkValue(row.baseUrl, ['baseUrl'], '`baseUrl`');
  checkValue(row.targetSchema, ['database', 'targetSchema'], '`database.targetSchema`');
  // A source schema follows the same name rule as the target schema.
  for (const s of row.sourceSchemas ?? []) checkValue(s, ['database', 'targetSchema'], '`database.sourceSchemas` item');
  for (const [header, value] of Object.entries(row.headers)) {
    // undici refuses control characters in a header value; a row must not be able to inject headers.
    if (/[\r\n\0]/.test(value)) out.push(`header \`${header}\` holds a line break or NUL`);
  }
  // The cross-key rules of the config (system schemas, target ≠ source) on the merged target.
  const problems = new ProblemCollector(file);
  checkAcrossKeys(merged as PartialConfig, { problems, offsets: new Map() });
  for (const p of problems.problems) out.push(`${p.path}: ${p.message}`);
  return out;
}

function fromRow(base: ResolvedConfig, row: TargetRow, as: TargetsFromConfig['as']): FleetTarget {
  const name = row.name ?? row.targetSchema ?? '';
  const origin = `targetsFrom row ${row.number}`;
  if (name === '') return { name: `(row ${row.number})`, folder: `row-${row.number}`, origin, invalid: `no name: the \`${as.name ?? as.targetSchema}\` column is NULL or empty` };
  const database: Plain = {};
  if (row.targetSchema !== undefined) database.targetSchema = row.targetSchema;
  if (row.sourceSchemas !== undefined) database.sourceSchemas = row.sourceSchemas;
  const override: Plain = { name, database, http: { headers: row.headers } };
  if (row.baseUrl !== undefined) override.baseUrl = row.baseUrl;
  const config = targetConfig(base, override);
  const problems = [...row.problems, ...rowProblems(row, config, base.file)];
  if (problems.length > 0) return { name, folder: folderOf(name), origin, invalid: `${origin}: ${problems.join('; ')}` };
  return { name, folder: folderOf(name), origin, config };
}

/** Every target of a fleet config, in config order then row order; duplicates are invalid. */
export async function resolveTargets(config: ResolvedConfig): Promise<FleetTarget[]> {
  const out: FleetTarget[] = (config.targets ?? []).map((t, i) => ({
    name: t.name,
    folder: folderOf(t.name),
    origin: `targets[${i}]`,
    config: targetConfig(config, t as Plain),
  }));
  if (config.targetsFrom) {
    const rows = await queryTargetRows(config.database, config.targetsFrom, secretsOf(config));
    out.push(...rows.map((row) => fromRow(config, row, config.targetsFrom!.as)));
  }
  const seen = new Map<string, string>();
  const folders = new Set<string>();
  return out.map((t) => {
    const first = seen.get(t.name);
    if (first !== undefined) return { name: t.name, origin: t.origin, folder: `${t.folder}-dup-${out.indexOf(t)}`, invalid: `duplicate target name \`${t.name}\` (${t.origin}, also ${first}): names must be unique` };
    seen.set(t.name, t.origin);
    // Two different names may slug to one folder only by a hash collision; keep them apart anyway.
    const folder = folders.has(t.folder) ? `${t.folder}-${out.indexOf(t)}` : t.folder;
    folders.add(folder);
    return { ...t, folder };
  });
}
