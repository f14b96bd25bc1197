/**
 * The planner for routines, types, domains and extensions: a finding (`function f(integer) does
 * not exist`, `type "mood" does not exist`) + every catalog object of that name → one
 * `ALTER … SET SCHEMA`, or a refusal. Pure. The rules are the relations' (plan.ts):
 * - exactly one candidate, in exactly one allowed source schema, never a system schema;
 * - a routine's argument types identical to the call's (`unknown`, an untyped literal or
 *   parameter, stands for any one type, and then the name must have a single routine in the
 *   source schemas, or the call would still be ambiguous);
 * - never over an object of the same name (and, for routines, argument types) in the target;
 * - an object an extension owns moves only with its extension, and only when the extension is
 *   relocatable; otherwise a person gets the drop/recreate SQL;
 * - with a history configured, the expected schema must model the kind: it models relations
 *   only, so these are refused with that reason, never guessed.
 */
import type { CollectedFinding, FindingKey, MissingFunctionFinding, MissingTypeFinding, ObjectFinding } from '../diagnose/types.js';
import type { CatalogObject, CatalogRoutine, CatalogType, ObjectLocation } from '../db/locate-objects.js';
import type { SchemaScope } from '../db/types.js';
import { isSystemSchema } from '../util/system-schema.js';
import type { ExpectedSchema } from '../history/types.js';
import { moveObjectRollbackSql, moveObjectSql, recreateExtensionSql, type MovableObjectKind } from './object-sql.js';
import type { MoveObjectAction, Refusal, RefusalReason } from './types.js';

export interface PlanObjectInput extends SchemaScope {
  readonly objects: ReadonlyMap<FindingKey, ObjectLocation>;
  readonly expected?: ExpectedSchema | undefined;
}

/** An action with the catalog object it changes (see plan.ts), or why there is none. */
export type ObjectDecision = { readonly action: MoveObjectAction; readonly changes: string } | Omit<Refusal, 'findings'>;

function refuse(reason: RefusalReason, detail: string, suggestedSql?: string): Omit<Refusal, 'findings'> {
  return suggestedSql === undefined ? { reason, detail } : { reason, detail, suggestedSql };
}

const show = (name: string): string => JSON.stringify(name);

function what(finding: ObjectFinding): string {
  return finding.kind === 'missing-function' ? `${finding.routine} ${show(`${finding.name}(${finding.args})`)}` : `type ${show(finding.name)}`;
}

function describe(o: CatalogObject): string {
  const name = `${o.schema}.${o.name}`;
  return o.type === 'routine' ? `${o.kind} ${name}(${o.argTypes})` : `${o.kind === 'base' ? 'type' : o.kind} ${name}`;
}

/** Split `integer, character varying` at top-level commas (a quoted type name may hold one). */
function splitArgs(args: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of args) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim() !== '' || out.length > 0) out.push(current.trim());
  return out;
}

/** The call's argument types against a routine's: identical, `unknown` standing for any one type. */
function matches(call: readonly string[], routine: CatalogRoutine): { exact: boolean; loose: boolean } {
  const own = splitArgs(routine.argTypes);
  if (own.length !== call.length) return { exact: false, loose: false };
  const exact = own.every((t, i) => t === call[i]);
  return { exact, loose: exact || own.every((t, i) => t === call[i] || call[i] === 'unknown') };
}

export function planObject(collected: CollectedFinding<ObjectFinding>, input: PlanObjectInput): ObjectDecision {
  const { finding } = collected;
  const target = input.targetSchema;
  if (isSystemSchema(target)) {
    return refuse('system-schema', `The target schema ${show(target)} is a system schema; smoke-fix never moves anything into one.`);
  }
  if (finding.schema !== undefined && finding.schema !== target) {
    if (isSystemSchema(finding.schema)) {
      return refuse('system-schema', `The error names ${what(finding)} in the system schema ${show(finding.schema)}; smoke-fix never changes system schemas.`);
    }
    return refuse(
      'outside-source-schemas',
      `The error names ${what(finding)} in schema ${show(finding.schema)}, not in the target schema ${show(target)}; smoke-fix only repairs names the app looks up in ${show(target)}.`,
    );
  }
  if (input.expected) {
    return refuse(
      'not-modelled',
      `The migration history's expected schema models tables, views and sequences, not ${finding.kind === 'missing-function' ? 'functions' : 'types'}, so it cannot prove where ${what(finding)} belongs; nothing was moved. Check the migration that creates it and move it by hand if it belongs in ${show(target)}.`,
    );
  }
  const found = input.objects.get(collected.key)?.found;
  if (found === undefined) return refuse('not-found', `${what(finding)} was not looked up in the catalog, so nothing was planned for it.`);
  return finding.kind === 'missing-function'
    ? planRoutine(collected, finding, found.filter((o): o is CatalogRoutine => o.type === 'routine'), input)
    : planType(collected, finding, found.filter((o): o is CatalogType => o.type === 'type'), input);
}

function planRoutine(collected: CollectedFinding<ObjectFinding>, finding: MissingFunctionFinding, found: readonly CatalogRoutine[], input: PlanObjectInput): ObjectDecision {
  const target = input.targetSchema;
  const call = splitArgs(finding.args);
  const inTarget = found.filter((r) => r.schema === target && matches(call, r).exact);
  if (inTarget.length > 0) {
    return refuse(
      'already-in-target',
      `${describe(inTarget[0]!)} already exists, so nothing was moved; the error may come from another database, a search_path without ${show(target)}, or a connection opened before the fix.`,
    );
  }
  const inSources = found.filter((r) => input.sourceSchemas.includes(r.schema) && r.schema !== target);
  const candidates = inSources.filter((r) => matches(call, r).loose);
  const exact = candidates.filter((r) => matches(call, r).exact);
  if (exact.length > 1 || (exact.length === 0 && (candidates.length > 1 || (candidates.length === 1 && inSources.length > 1)))) {
    return refuse(
      'ambiguous',
      `${what(finding)} could be ${inSources.map(describe).join(' or ')}; decide which one the app calls and move it by hand.`,
    );
  }
  const routine = exact[0] ?? candidates[0];
  if (routine === undefined) return notFound(finding, found, inSources, input);
  return planCandidate(collected, routine, input);
}

function planType(collected: CollectedFinding<ObjectFinding>, finding: MissingTypeFinding, found: readonly CatalogType[], input: PlanObjectInput): ObjectDecision {
  const target = input.targetSchema;
  const inTarget = found.find((t) => t.schema === target);
  if (inTarget) {
    return refuse('already-in-target', `${describe(inTarget)} already exists, so nothing was moved; the error may come from another database or a search_path without ${show(target)}.`);
  }
  const inSources = found.filter((t) => input.sourceSchemas.includes(t.schema));
  if (inSources.length > 1) {
    return refuse('ambiguous', `${what(finding)} exists in more than one source schema (${inSources.map(describe).join(' and ')}); decide which one the app needs and move it by hand.`);
  }
  const type = inSources[0];
  if (type === undefined) return notFound(finding, found, inSources, input);
  if (!type.extension && type.kind !== 'enum' && type.kind !== 'domain' && type.kind !== 'composite') {
    return refuse('unsupported-kind', `${describe(type)} is a ${type.kind} type; smoke-fix moves enums, domains and composite types (or the extension that owns a type) only.`);
  }
  return planCandidate(collected, type, input);
}

function notFound(finding: ObjectFinding, found: readonly CatalogObject[], inSources: readonly CatalogObject[], input: PlanObjectInput): ObjectDecision {
  if (inSources.length > 0) {
    return refuse(
      'signature-mismatch',
      `${what(finding)} matches no routine exactly; ${inSources.map(describe).join(', ')} take other argument types, so moving one would not make the call resolve. Check the call's types.`,
    );
  }
  const elsewhere = [...new Set(found.filter((o) => o.schema !== input.targetSchema).map((o) => o.schema))];
  if (elsewhere.length === 0) {
    return refuse('not-found', `No ${finding.kind === 'missing-function' ? 'routine' : 'type'} named ${show(finding.name)} exists in any schema; the migration or CREATE EXTENSION that creates it may never have run.`);
  }
  if (elsewhere.every(isSystemSchema)) {
    return refuse('system-schema', `${show(finding.name)} exists only in the system schema ${elsewhere.map(show).join(', ')}; smoke-fix never moves anything out of a system schema.`);
  }
  return refuse(
    'outside-source-schemas',
    `${show(finding.name)} exists only in ${elsewhere.map(show).join(', ')}, which is not in database.sourceSchemas; add it to sourceSchemas if it should be moved from there.`,
  );
}

function planCandidate(collected: CollectedFinding<ObjectFinding>, object: CatalogRoutine | CatalogType, input: PlanObjectInput): ObjectDecision {
  const target = input.targetSchema;
  if (isSystemSchema(object.schema)) {
    return refuse('system-schema', `${describe(object)} is in a system schema; smoke-fix never moves anything out of a system schema.`);
  }
  const extension = object.extension;
  if (extension) {
    // A member cannot be moved on its own (PostgreSQL refuses); its extension moves whole.
    if (extension.schema !== object.schema || !input.sourceSchemas.includes(extension.schema)) {
      return refuse('outside-source-schemas', `${describe(object)} belongs to extension ${show(extension.name)}, whose schema is ${show(extension.schema)}; move the extension by hand if it belongs in ${show(target)}.`);
    }
    if (!extension.relocatable) {
      return refuse(
        'not-relocatable',
        `${describe(object)} belongs to extension ${show(extension.name)}, which PostgreSQL cannot move (not relocatable); recreating it in ${show(target)} drops what depends on it, so that is a person's decision: review the SQL.`,
        recreateExtensionSql({ name: extension.name, toSchema: target }),
      );
    }
    const move = { kind: 'extension' as const, name: extension.name, fromSchema: extension.schema, toSchema: target };
    const action: MoveObjectAction = {
      kind: 'move-object',
      findings: [collected],
      object: { kind: 'extension', name: extension.name, oid: 0 },
      fromSchema: extension.schema,
      toSchema: target,
      sql: moveObjectSql(move),
      rollbackSql: moveObjectRollbackSql(move),
    };
    return { action, changes: `extension:${extension.name}` };
  }
  const kind: MovableObjectKind =
    object.type === 'routine' ? (object.kind === 'window' ? 'function' : object.kind) : object.kind === 'domain' ? 'domain' : 'type';
  const move = { kind, name: object.name, fromSchema: object.schema, toSchema: target, ...(object.type === 'routine' ? { identityArgs: object.identityArgs } : {}) };
  const action: MoveObjectAction = {
    kind: 'move-object',
    findings: [collected],
    object: { kind, name: object.name, oid: object.oid, ...(object.type === 'routine' ? { argTypes: object.argTypes } : {}) },
    fromSchema: object.schema,
    toSchema: target,
    sql: moveObjectSql(move),
    rollbackSql: moveObjectRollbackSql(move),
  };
  return { action, changes: `${object.type}:${object.oid}` };
}
