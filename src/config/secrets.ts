/**
 * Every secret value in a config, for masking logs and reports (`maskSecrets` in util/redact.ts).
 * Driven by the key table: a key marked `secret` there is collected here, so a new secret key
 * cannot be forgotten.
 */
import { CONFIG_SPEC } from './config-spec.js';
import type { Field, ObjectSpec, Spec } from './spec-types.js';
import type { ResolvedConfig } from './types.js';

export function secretsOf(config: ResolvedConfig): string[] {
  const found = new Set<string>();
  collect(CONFIG_SPEC, config, found);
  return [...found].filter((s) => s !== '');
}

/** Whether a value of `spec` can hold a secret; remembered per spec (the walk visits every endpoint). */
const holdsSecrets = new WeakMap<Spec, boolean>();
function canHoldSecret(spec: Spec): boolean {
  let known = holdsSecrets.get(spec);
  if (known === undefined) holdsSecrets.set(spec, (known = secretIn(spec)));
  return known;
}
function secretIn(spec: Spec): boolean {
  switch (spec.kind) {
    case 'string':
      return spec.secret !== undefined;
    case 'object':
      return Object.values(spec.fields).some((f) => canHoldSecret(f.spec));
    case 'map':
      return spec.secretKeys !== undefined || canHoldSecret(spec.values);
    case 'list':
      return canHoldSecret(spec.items);
    case 'tagged':
      return true;
    default:
      return false;
  }
}

/** An object spec's fields that can hold a secret, listed once per spec (not per endpoint). */
const secretFields = new WeakMap<ObjectSpec, ReadonlyArray<readonly [string, Field]>>();
function fieldsOf(spec: ObjectSpec): ReadonlyArray<readonly [string, Field]> {
  let fields = secretFields.get(spec);
  if (!fields) secretFields.set(spec, (fields = Object.entries(spec.fields).filter(([, field]) => canHoldSecret(field.spec))));
  return fields;
}

function collect(spec: Spec, value: unknown, found: Set<string>): void {
  if (value === undefined || value === null || !canHoldSecret(spec)) return;
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') return;
      if (spec.secret === 'whole') found.add(value);
      if (spec.secret === 'url-password') for (const p of urlPasswords(value)) found.add(p);
      return;
    case 'object':
      for (const [name, field] of fieldsOf(spec)) collect(field.spec, (value as Record<string, unknown>)[name], found);
      return;
    case 'map':
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (spec.secretKeys?.test(key) && typeof v === 'string') for (const part of credentialParts(v)) found.add(part);
        collect(spec.values, v, found);
      }
      return;
    case 'list':
      for (const item of value as unknown[]) collect(spec.items, item, found);
      return;
    case 'tagged': {
      const variant = spec.variants[(value as Record<string, unknown>)[spec.tag] as string];
      if (variant) collect(variant, value, found);
      // Basic auth sends `user:password` in base64; the pair is masked as a whole too.
      const { username, password } = value as { username?: unknown; password?: unknown };
      if (typeof username === 'string' && typeof password === 'string') found.add(`${username}:${password}`);
      return;
    }
    default:
      return;
  }
}

/**
 * A header value, and the credentials inside it an app may echo alone: the token after a scheme
 * (`Bearer <token>`) and each cookie value (`a=<v>; b=<w>`). Short parts (`Bearer`) are left out.
 */
function credentialParts(value: string): string[] {
  const parts = [value];
  for (const word of value.split(/[\s;,]+/)) {
    const eq = word.indexOf('=');
    for (const part of eq > 0 ? [word, word.slice(eq + 1)] : [word]) if (part.length >= 8 && part !== value) parts.push(part);
  }
  return parts;
}

/** The password as written in the URL and decoded (`p%40ss` and `p@ss`): either may be logged. */
function urlPasswords(url: string): string[] {
  try {
    const raw = new URL(url).password;
    if (raw === '') return [];
    let decoded = raw;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      // a malformed %-escape: only the raw form can appear anywhere
    }
    return [raw, decoded];
  } catch {
    // WHATWG URL rejects some libpq forms (`postgres://u:pw@/db?host=/run/postgresql`); read the
    // password by hand, and mask the whole string if even that fails.
    const m = /^[a-z]+:\/\/[^:@/]*:([^@]*)@/i.exec(url);
    return m?.[1] ? [m[1]] : [url];
  }
}
