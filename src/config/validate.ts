/**
 * Walks the YAML node tree against the key table (`config-spec.ts`), collecting every problem with
 * its node's position, and builds the plain config value: `${VAR}` filled in string scalars,
 * defaults applied, paths resolved against the config file's folder. The value is only meaningful
 * when no problem was found.
 *
 * Messages never repeat the value of a secret key; for strings in general they describe the
 * type that was found rather than echo it.
 */
import { resolve as resolvePath } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { interpolate } from './interpolate.js';
import { unmaskReferences } from './references.js';
import { formatPath, type KeyPath, type ProblemCollector } from './problems.js';
import type { BooleanSpec, Field, IntegerSpec, ListSpec, MapSpec, ObjectSpec, Spec, StringSpec, TaggedSpec } from './spec-types.js';
import { splitShellWords } from './shell-words.js';
import { closest, didYouMean, listOf } from './suggest.js';

export interface ValidateOptions {
  readonly problems: ProblemCollector;
  /** The YAML text, to point at a `${VAR}` inside a scalar. */
  readonly source: string;
  readonly env: NodeJS.ProcessEnv;
  /** Folder that relative paths (`isPath` keys) resolve against. */
  readonly baseDir: string;
}

export interface Validated {
  /**
   * The config as far as it is valid: an invalid key is left out of its object, kept as
   * `undefined` in a mapping or list (so names and indexes still line up for cross-key checks).
   * Only a complete config when the collector got no problems.
   */
  readonly value: Record<string, unknown> | undefined;
  /** Source offset of every node visited, by formatted key path (for later cross-key checks). */
  readonly offsets: ReadonlyMap<string, number>;
}

type Value = unknown;
/** Marks a node that failed validation (distinct from an optional key that is absent). */
const INVALID = Symbol('invalid');

interface Ctx extends ValidateOptions {
  readonly doc: Document;
  readonly offsets: Map<string, number>;
  readonly homes: ReadonlyMap<string, readonly string[]>;
}

export function validateDocument(doc: Document, root: ObjectSpec, options: ValidateOptions): Validated {
  const ctx: Ctx = { ...options, doc, offsets: new Map(), homes: keyHomes(root) };
  const contents = doc.contents as Node | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    const required = Object.entries(root.fields).filter(([, f]) => f.required).map(([k]) => k);
    ctx.problems.atOffset(0, [], `the config file is empty: it needs at least ${listOf(required)}`);
    return { value: undefined, offsets: ctx.offsets };
  }
  const value = checkObject(contents, root, [], ctx);
  return { value: value === INVALID ? undefined : (value as Record<string, unknown>), offsets: ctx.offsets };
}

function deref(node: Node, ctx: Ctx): Node {
  return isAlias(node) ? ((node.resolve(ctx.doc) as Node | undefined) ?? node) : node;
}

function isEmpty(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** What was found, for "expected X, got Y" — a type, never the value. */
function kindOf(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null) return 'nothing';
    if (typeof node.value === 'number') return 'a number';
    if (typeof node.value === 'boolean') return 'true/false';
    if (typeof node.value === 'string') return 'text';
  }
  return 'something else';
}

function check(raw: Node, spec: Spec, path: KeyPath, ctx: Ctx): Value {
  const node = deref(raw, ctx);
  ctx.offsets.set(formatPath(path), node.range?.[0] ?? 0);
  switch (spec.kind) {
    case 'string':
      return checkString(node, spec, path, ctx);
    case 'integer':
      return checkInteger(node, spec, path, ctx);
    case 'boolean':
      return checkBoolean(node, spec, path, ctx);
    case 'object':
      return checkObject(node, spec, path, ctx);
    case 'map':
      return checkMap(node, spec, path, ctx);
    case 'list':
      return checkList(node, spec, path, ctx);
    case 'tagged':
      return checkTagged(node, spec, path, ctx);
  }
}

/** The scalar's text with `${VAR}` filled, or INVALID (problems reported at the reference). */
function scalarText(node: Node, path: KeyPath, ctx: Ctx): { text: string; interpolated: boolean } | typeof INVALID {
  if (!isScalar(node) || typeof node.value !== 'string') return INVALID;
  const result = interpolate(unmaskReferences(node.value), ctx.env);
  const start = node.range?.[0] ?? 0;
  const raw = ctx.source.slice(start, node.range?.[1] ?? start);
  let from = 0;
  for (const p of result.problems) {
    const at = raw.indexOf(p.token, from);
    if (at >= 0) from = at + p.token.length;
    ctx.problems.atOffset(start + Math.max(at, 0), path, p.message);
  }
  return result.problems.length > 0 ? INVALID : { text: result.value, interpolated: result.changed };
}

function checkString(node: Node, spec: StringSpec, path: KeyPath, ctx: Ctx): Value {
  if (!isScalar(node) || typeof node.value !== 'string') {
    const hint = isScalar(node) && node.value !== null ? ': put it in quotes' : '';
    const wanted = spec.enum ? `one of ${listOf(spec.enum)}` : 'text';
    ctx.problems.atNode(node, path, `expected ${wanted}, got ${kindOf(node)}${spec.enum ? '' : hint}`);
    return INVALID;
  }
  const got = scalarText(node, path, ctx);
  if (got === INVALID) return INVALID;
  const text = got.text;
  if (spec.enum && !spec.enum.includes(text)) {
    const shown = spec.secret ? '' : ` \`${text}\``;
    ctx.problems.atNode(node, path, `unknown value${shown} (allowed: ${listOf(spec.enum)})${spec.secret ? '' : didYouMean(text, spec.enum)}`);
    return INVALID;
  }
  const wrong = spec.check?.(text);
  if (wrong !== undefined) {
    ctx.problems.atNode(node, path, wrong);
    return INVALID;
  }
  if (!spec.isPath) return text;
  const resolved = resolvePath(ctx.baseDir, text);
  const fileProblem = spec.checkFile?.(resolved);
  if (fileProblem !== undefined) {
    ctx.problems.atNode(node, path, fileProblem);
    return INVALID;
  }
  return resolved;
}

/** A number; the text of a string (`${VAR}` filled, since the environment only holds strings); INVALID once reported. */
function numberOf(node: Node, path: KeyPath, ctx: Ctx): number | string | typeof INVALID | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'number') return node.value;
  if (typeof node.value !== 'string') return undefined;
  const got = scalarText(node, path, ctx);
  if (got === INVALID) return INVALID;
  return got.interpolated && /^[+-]?\d+$/.test(got.text.trim()) ? Number(got.text) : got.text;
}

function checkInteger(node: Node, spec: IntegerSpec, path: KeyPath, ctx: Ctx): Value {
  const range = spec.max === undefined ? `an integer ≥ ${spec.min}` : `an integer from ${spec.min} to ${spec.max}`;
  const n = numberOf(node, path, ctx);
  if (n === INVALID) return INVALID;
  if (typeof n === 'string') {
    const hint = /^[+-]?\d+$/.test(n.trim()) ? ': remove the quotes' : '';
    ctx.problems.atNode(node, path, `expected ${range}, got \`${n}\`${hint}`);
    return INVALID;
  }
  if (n === undefined) {
    ctx.problems.atNode(node, path, `expected ${range}, got ${kindOf(node)}`);
    return INVALID;
  }
  if (!Number.isSafeInteger(n) || n < spec.min || (spec.max !== undefined && n > spec.max)) {
    ctx.problems.atNode(node, path, `expected ${range}, got ${n}`);
    return INVALID;
  }
  return n;
}

function checkBoolean(node: Node, _spec: BooleanSpec, path: KeyPath, ctx: Ctx): Value {
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  if (isScalar(node) && typeof node.value === 'string' && unmaskReferences(node.value).includes('${')) {
    const got = scalarText(node, path, ctx);
    if (got === INVALID) return INVALID;
    if (got.text === 'true' || got.text === 'false') return got.text === 'true';
  }
  ctx.problems.atNode(node, path, `expected true or false, got ${kindOf(node)}`);
  return INVALID;
}

function keyName(pair: Pair): string | undefined {
  const key = pair.key as Node | null;
  return isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number') ? String(key.value) : undefined;
}

/** Reads a mapping's keys, reporting non-text keys. */
function pairsOf(map: YAMLMap, path: KeyPath, ctx: Ctx): [string, Pair][] {
  const out: [string, Pair][] = [];
  for (const pair of map.items) {
    const name = keyName(pair);
    if (name === undefined) ctx.problems.atNode(pair.key as Node, path, 'keys must be plain names');
    else out.push([name, pair]);
  }
  return out;
}

function missingMessage(name: string, field: Field, present: boolean): string {
  const add = field.example === undefined ? '' : `: add \`${name}: ${field.example}\``;
  return present ? `\`${name}\` has no value${add.replace(': add', ': write')}` : `\`${name}\` is required${add}`;
}

function checkObject(node: Node, spec: ObjectSpec, path: KeyPath, ctx: Ctx, extraKeys: readonly string[] = []): Value {
  if (spec.shorthand !== undefined && isScalar(node) && typeof node.value === 'string') {
    const field = spec.fields[spec.shorthand] as Field;
    const v = check(node, field.spec, [...path, spec.shorthand], ctx);
    return v === INVALID ? INVALID : fillFields(spec, { path, at: node, preset: { [spec.shorthand]: v } }, ctx);
  }
  if (!isMap(node)) {
    const alt = spec.shorthand === undefined ? '' : ` or a ${spec.shorthand} string`;
    ctx.problems.atNode(node, path, `expected a mapping (\`key: value\` lines)${alt}, got ${kindOf(node)}`);
    return INVALID;
  }
  const known = [...Object.keys(spec.fields), ...extraKeys];
  const seen = new Map<string, Pair>();
  const misspelt = new Set<string>();
  for (const [name, pair] of pairsOf(node, path, ctx)) {
    if (Object.hasOwn(spec.fields, name)) seen.set(name, pair);
    else if (!extraKeys.includes(name)) {
      const near = closest(name, known);
      if (near !== undefined) misspelt.add(near);
      ctx.problems.atNode(pair.key as Node, [...path, name], unknownKey(name, near, known, path, ctx));
    }
  }
  // `baseURL:` already got "did you mean `baseUrl`?"; "`baseUrl` is required" would say it twice.
  return fillFields(spec, { path, at: node, seen, misspelt }, ctx);
}

function unknownKey(name: string, near: string | undefined, known: readonly string[], path: KeyPath, ctx: Ctx): string {
  if (near !== undefined) return `unknown key \`${name}\`; did you mean \`${near}\`?`;
  // Only at the top level: a key of a section written flat (`targetSchema:` instead of under `database:`).
  const homes = path.length === 0 ? (ctx.homes.get(name) ?? []) : [];
  if (homes.length > 0) return `\`${name}\` is not a top-level key; move it under \`${homes.join('` or `')}\``;
  return `unknown key \`${name}\`; allowed here: ${listOf(known)}`;
}

interface FillOptions {
  readonly path: KeyPath;
  /** Where a missing required key is reported: the mapping (or shorthand) it should be in. */
  readonly at: Node;
  /** The keys written, by name. */
  readonly seen?: ReadonlyMap<string, Pair>;
  /** Fields already known (the shorthand's value). */
  readonly preset?: Readonly<Record<string, Value>>;
  /** Fields an unknown key was a near miss of: not reported missing again. */
  readonly misspelt?: ReadonlySet<string>;
}

/**
 * `Object.entries(spec.fields)`, each with whether an absent section of it is filled with its own
 * defaults (see fillFields): made once per spec, as fillFields runs once per endpoint.
 */
type FieldEntry = readonly [name: string, field: Field, fillsWhenAbsent: boolean];
const fieldLists = new WeakMap<ObjectSpec, readonly FieldEntry[]>();
function fieldsOf(spec: ObjectSpec): readonly FieldEntry[] {
  let list = fieldLists.get(spec);
  if (!list) {
    list = Object.entries(spec.fields).map(([name, field]): FieldEntry => [
      name,
      field,
      field.spec.kind === 'object' && !field.optional && !Object.values(field.spec.fields).some((f) => f.required),
    ]);
    fieldLists.set(spec, list);
  }
  return list;
}

/**
 * A default the config gets its own copy of (a list or mapping); text and numbers are shared.
 * Defaults are plain lists and mappings of text and numbers; structuredClone per endpoint was a
 * tenth of validating 10,000 of them.
 */
const copyOf = (value: Value): Value => {
  if (Array.isArray(value)) return value.map(copyOf);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, Value> = {};
  for (const [key, member] of Object.entries(value)) copy[key] = copyOf(member);
  return copy;
};

const NONE_SEEN: ReadonlyMap<string, Pair> = new Map();
const NONE_MISSPELT: ReadonlySet<string> = new Set();

/** Validates present fields, applies defaults to absent ones, reports missing required ones. */
function fillFields(spec: ObjectSpec, options: FillOptions, ctx: Ctx): Record<string, Value> {
  const { path, at, seen = NONE_SEEN, preset = {}, misspelt = NONE_MISSPELT } = options;
  const out: Record<string, Value> = { ...preset };
  const fields = fieldsOf(spec);
  for (const [name, field, fillsWhenAbsent] of fields) {
    if (name in preset) continue;
    const pair = seen.get(name);
    const node = pair?.value as Node | null | undefined;
    if (pair && !isEmpty(node)) {
      const v = check(node as Node, field.spec, [...path, name], ctx);
      if (v !== INVALID) out[name] = v;
      continue;
    }
    if (field.required) {
      if (!misspelt.has(name)) ctx.problems.atNode((pair?.key as Node | undefined) ?? at, [...path, name], missingMessage(name, field, pair !== undefined));
    } else if (field.default !== undefined) {
      out[name] = resolveDefaultPaths(field.spec, copyOf(field.default), ctx);
    } else if (fillsWhenAbsent && field.spec.kind === 'object') {
      // An absent section is an empty one: its own defaults apply. (Not an optional one, like
      // `history`, nor one with required keys, like `targetsFrom` or `repair.djangoMigrationsApp`:
      // absent, it is simply not there.)
      out[name] = fillFields(field.spec, { path: [...path, name], at }, ctx);
    }
  }
  for (const [name, field] of fields) {
    if (field.defaultFrom !== undefined && out[name] === undefined) out[name] = out[field.defaultFrom];
  }
  return out;
}

/** A default like `report.dir: reports` is relative to the config file, like a written one. */
function resolveDefaultPaths(spec: Spec, value: Value, ctx: Ctx): Value {
  if (spec.kind === 'string' && spec.isPath && typeof value === 'string') return resolvePath(ctx.baseDir, value);
  if (spec.kind === 'list' && Array.isArray(value)) return value.map((v: Value) => resolveDefaultPaths(spec.items, v, ctx));
  return value;
}

function checkMap(node: Node, spec: MapSpec, path: KeyPath, ctx: Ctx): Value {
  if (!isMap(node)) {
    ctx.problems.atNode(node, path, `expected a mapping of ${spec.keyLabel}s, got ${kindOf(node)}`);
    return INVALID;
  }
  const out: Record<string, Value> = {};
  const keyPattern = spec.keyPattern === undefined ? undefined : new RegExp(spec.keyPattern);
  for (const [name, pair] of pairsOf(node, path, ctx)) {
    if (keyPattern && !keyPattern.test(name)) {
      ctx.problems.atNode(pair.key as Node, [...path, name], `\`${name}\` is not a valid ${spec.keyLabel}`);
      setOwn(out, name, undefined);
      continue;
    }
    const value = pair.value as Node | null;
    if (isEmpty(value)) {
      ctx.problems.atNode((value ?? pair.key) as Node, [...path, name], `${spec.keyLabel} \`${name}\` has no value`);
      setOwn(out, name, undefined);
      continue;
    }
    const v = check(value as Node, spec.values, [...path, name], ctx);
    setOwn(out, name, v === INVALID ? undefined : v);
  }
  return out;
}

/** `out[key] = value` that makes an own property even for a key like `__proto__` (user-chosen names). */
function setOwn(out: Record<string, Value>, key: string, value: Value): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function checkList(node: Node, spec: ListSpec, path: KeyPath, ctx: Ctx): Value {
  if (!isSeq(node)) {
    if (spec.splitShell && isScalar(node) && typeof node.value === 'string') return checkShellWords(node, spec, path, ctx);
    if (spec.single && !isMap(node)) {
      const v = check(node, spec.items, path, ctx);
      return v === INVALID ? INVALID : [v];
    }
    ctx.problems.atNode(node, path, `expected a list, got ${kindOf(node)}`);
    return INVALID;
  }
  if (node.items.length < (spec.minItems ?? 0)) {
    ctx.problems.atNode(node, path, `the list is empty: give at least ${spec.minItems === 1 ? 'one item' : `${spec.minItems} items`}`);
    return INVALID;
  }
  return node.items.map((item, i) => {
    const itemNode = item as Node | null;
    if (isEmpty(itemNode)) {
      ctx.problems.atNode(itemNode ?? node, [...path, i], 'empty list item: remove the `-` or give it a value');
      return undefined;
    }
    const v = check(itemNode as Node, spec.items, [...path, i], ctx);
    return v === INVALID ? undefined : v;
  });
}

/** `python3 manage.py` → `['python3', 'manage.py']`: the words a shell would pass, never run through one. */
function checkShellWords(node: Node, spec: ListSpec, path: KeyPath, ctx: Ctx): Value {
  const got = scalarText(node, path, ctx);
  if (got === INVALID) return INVALID;
  const split = splitShellWords(got.text);
  if (typeof split === 'string') {
    ctx.problems.atNode(node, path, split);
    return INVALID;
  }
  if (split.length < (spec.minItems ?? 0)) {
    ctx.problems.atNode(node, path, 'must name a command, e.g. `python3 manage.py`');
    return INVALID;
  }
  return split;
}

function checkTagged(node: Node, spec: TaggedSpec, path: KeyPath, ctx: Ctx): Value {
  const types = Object.keys(spec.variants);
  if (!isMap(node)) {
    ctx.problems.atNode(node, path, `expected a mapping with \`${spec.tag}\` (${listOf(types)}), got ${kindOf(node)}`);
    return INVALID;
  }
  const tagPair = node.items.find((p) => keyName(p) === spec.tag);
  const tagNode = tagPair?.value as Node | null | undefined;
  if (!tagPair || isEmpty(tagNode)) {
    ctx.problems.atNode(node, [...path, spec.tag], `\`${spec.tag}\` is required: one of ${listOf(types)}`);
    return INVALID;
  }
  const tag = isScalar(tagNode) && typeof tagNode.value === 'string' ? tagNode.value : undefined;
  const variant = tag === undefined ? undefined : spec.variants[tag];
  if (tag === undefined || variant === undefined) {
    const shown = tag === undefined ? kindOf(tagNode as Node) : `\`${tag}\``;
    ctx.problems.atNode(tagNode as Node, [...path, spec.tag], `unknown ${spec.tag} ${shown} (allowed: ${listOf(types)})${tag ? didYouMean(tag, types) : ''}`);
    return INVALID;
  }
  const v = checkObject(node, variant, path, ctx, [spec.tag]);
  return v === INVALID ? INVALID : { [spec.tag]: tag, ...(v as Record<string, Value>) };
}

/** Where each key name may legally appear, for "move it under `database`". */
function keyHomes(root: Spec): Map<string, string[]> {
  const homes = new Map<string, string[]>();
  const visit = (spec: Spec, where: string): void => {
    if (spec.kind === 'object') {
      for (const [name, field] of Object.entries(spec.fields)) {
        if (where !== '') homes.set(name, [...(homes.get(name) ?? []), where]);
        visit(field.spec, where === '' ? name : `${where}.${name}`);
      }
    } else if (spec.kind === 'list') visit(spec.items, `${where}[]`);
  };
  visit(root, '');
  return homes;
}
