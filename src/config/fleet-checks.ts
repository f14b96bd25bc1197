/**
 * Config rules of a fleet (`targets`, `targetsFrom`), run after the per-key validation:
 * unique target names, every target complete once merged over the top level, and the cross-key
 * rules (`checks.ts`) applied to each merged target, pointing at the line that causes them.
 */
import type { ConfigProblem } from '../errors.js';
import { mergeTarget, missingRequired } from './fleet-merge.js';
import { checkAcrossKeys, type PartialConfig } from './checks.js';
import type { Field, ObjectSpec, Spec } from './spec-types.js';
import { formatPath, type ProblemCollector } from './problems.js';

/**
 * With `targets` (and no `targetsFrom`, whose rows inherit the top level whole), a top-level key
 * that every target sets need not be written at the top: nothing is required there, and each
 * merged target is checked for completeness instead.
 */
export function relaxRequired(spec: ObjectSpec): ObjectSpec {
  const fields: Record<string, Field> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    const { required: _required, ...rest } = field;
    // Down through required sections only (`database.url`); `targetsFrom.query` stays required.
    fields[name] = { ...rest, spec: field.required && field.spec.kind === 'object' ? relaxRequired(field.spec) : (field.spec as Spec) };
  }
  return { ...spec, fields };
}

export interface FleetCheckOptions {
  readonly problems: ProblemCollector;
  readonly offsets: ReadonlyMap<string, number>;
  /** A fresh collector on the same file (per-target problems are de-duplicated before they are kept). */
  readonly collector: () => ProblemCollector;
}

type Plain = Record<string, unknown>;

export function checkFleet(value: Plain, options: FleetCheckOptions): void {
  const { problems, offsets } = options;
  const at = (key: string): number => offsets.get(key) ?? 0;
  const seen = new Set(problems.problems.map(keyOf));
  const keep = (p: ConfigProblem): void => {
    if (seen.has(keyOf(p))) return;
    seen.add(keyOf(p));
    problems.problems.push(p);
  };

  const targets = (value.targets as (Plain | undefined)[] | undefined) ?? [];
  const firstByName = new Map<string, number>();
  targets.forEach((target, i) => {
    if (target === undefined || typeof target.name !== 'string') return;
    const name = target.name;
    const first = firstByName.get(name);
    if (first !== undefined) {
      const line = problems.positionOf(at(formatPath(['targets', first, 'name']))).line;
      problems.atOffset(at(formatPath(['targets', i, 'name'])), ['targets', i, 'name'], `duplicate target name \`${name}\` (also targets[${first}], line ${line}): give each target its own \`name\``);
      return;
    }
    firstByName.set(name, i);
    const merged = mergeTarget(value, target);
    for (const key of missingRequired(merged)) {
      problems.atOffset(at(formatPath(['targets', i])), ['targets', i], `target \`${name}\` has no \`${key}\`: set it in the target or at the top level`);
    }
    // The target's own keys point at their lines; inherited ones at the top level's.
    const prefix = `${formatPath(['targets', i])}.`;
    const local = new Map(offsets);
    for (const [key, offset] of offsets) if (key.startsWith(prefix)) local.set(key.slice(prefix.length), offset);
    const sub = options.collector();
    checkAcrossKeys(merged as PartialConfig, { problems: sub, offsets: local });
    for (const p of sub.problems) {
      if (seen.has(keyOf(p))) continue; // the same problem of the top level, already reported
      keep({ ...p, message: `in target \`${name}\`: ${p.message}` });
    }
  });

  const from = value.targetsFrom as { as?: Plain } | undefined;
  if (from?.as !== undefined && from.as.name === undefined && from.as.targetSchema === undefined) {
    problems.atOffset(at('targetsFrom.as'), ['targetsFrom', 'as'], 'map `name` or `targetSchema` to a column: each row needs a name (e.g. `as: { targetSchema: schema_name }`)');
  }
}

function keyOf(p: ConfigProblem): string {
  return `${p.line}:${p.col}:${p.path}:${p.message}`;
}
