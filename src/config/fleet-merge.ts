/**
 * A target's config: the top-level config with the target's own keys laid over it, driven by the
 * key table so the rule is the same everywhere — objects (`database`, `http`) and mappings
 * (`auth`, `headers`) merge key by key, everything else (lists, strings, an auth profile, whose
 * shape depends on its `type`) is replaced whole.
 */
import { CONFIG_SPEC } from './config-spec.js';
import type { Spec } from './spec-types.js';
import type { ResolvedConfig } from './types.js';

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeBySpec(spec: Spec | undefined, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (spec === undefined || !isPlain(base) || !isPlain(over)) return over;
  if (spec.kind === 'object') {
    const out: Plain = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = mergeBySpec(spec.fields[key]?.spec, base[key], value);
    return out;
  }
  if (spec.kind === 'map') {
    const out: Plain = { ...base };
    for (const [key, value] of Object.entries(over)) {
      Object.defineProperty(out, key, { value: mergeBySpec(spec.values, base[key], value), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return over;
}

/** Top-level value + a target's overrides (its `name` is not a config key and is left out). */
export function mergeTarget(base: Readonly<Plain>, target: Readonly<Plain>): Plain {
  const { name: _name, ...over } = target;
  return mergeBySpec(CONFIG_SPEC, base, over) as Plain;
}

/** Required keys (from the key table) a merged target still lacks, as dotted paths. */
export function missingRequired(value: Readonly<Plain>, spec: Spec = CONFIG_SPEC, prefix = ''): string[] {
  if (spec.kind !== 'object') return [];
  const out: string[] = [];
  for (const [key, field] of Object.entries(spec.fields)) {
    const v = value[key];
    if (v === undefined) {
      if (field.required) out.push(prefix + key);
    } else if (isPlain(v)) out.push(...missingRequired(v, field.spec, `${prefix}${key}.`));
  }
  return out;
}

/** Whether a config names a fleet (`targets` or `targetsFrom`); else it is one target, run as one. */
export function isFleet(config: ResolvedConfig): boolean {
  return config.targets !== undefined || config.targetsFrom !== undefined;
}
