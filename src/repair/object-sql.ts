/**
 * Pure SQL builders for moving routines, types, domains and extensions, each with its inverse,
 * tested by exact string like `sql.ts`. Names and argument lists come from `pg_catalog` rows
 * (`pg_get_function_identity_arguments`, `oidvectortypes`: SQL the catalog printed), never from
 * HTTP text; identifiers go through the one quoting function.
 */
import { qualified, quoteIdent, quoteLiteral } from '../db/quote.js';

export type MovableObjectKind = 'function' | 'procedure' | 'aggregate' | 'type' | 'domain' | 'extension';

const ALTER: Readonly<Record<MovableObjectKind, string>> = {
  function: 'ALTER FUNCTION',
  procedure: 'ALTER PROCEDURE',
  aggregate: 'ALTER AGGREGATE',
  type: 'ALTER TYPE',
  domain: 'ALTER DOMAIN',
  extension: 'ALTER EXTENSION',
};

export interface ObjectMoveInput {
  readonly kind: MovableObjectKind;
  readonly name: string;
  /** Routines: `pg_get_function_identity_arguments` output (empty for none). */
  readonly identityArgs?: string | undefined;
  readonly fromSchema: string;
  readonly toSchema: string;
}

/** `ALTER FUNCTION "s"."f"(integer) SET SCHEMA "t";`, `ALTER EXTENSION "uuid-ossp" SET SCHEMA "t";` */
export function moveObjectSql(input: ObjectMoveInput): string {
  return setSchema(input, input.fromSchema, input.toSchema);
}

/** The inverse of `moveObjectSql`: the object back into its source schema. */
export function moveObjectRollbackSql(input: ObjectMoveInput): string {
  return setSchema(input, input.toSchema, input.fromSchema);
}

function setSchema(input: ObjectMoveInput, from: string, to: string): string {
  return `${ALTER[input.kind]} ${objectName(input, from)} SET SCHEMA ${quoteIdent(to)};`;
}

function objectName(input: ObjectMoveInput, schema: string): string {
  // An extension is not schema-qualified: its name is database-wide.
  if (input.kind === 'extension') return quoteIdent(input.name);
  const name = qualified(schema, input.name);
  if (input.kind === 'type' || input.kind === 'domain') return name;
  const args = input.identityArgs ?? '';
  // ALTER AGGREGATE spells an aggregate of no arguments `agg(*)`.
  return `${name}(${input.kind === 'aggregate' && args === '' ? '*' : args})`;
}

/**
 * For a person only (a non-relocatable extension): PostgreSQL cannot move it, so it must be dropped
 * and created again in the target, which drops what depends on it. Never run by smoke-fix.
 */
export function recreateExtensionSql(input: { readonly name: string; readonly toSchema: string }): string {
  return (
    `-- ${quoteIdent(input.name)} is not relocatable. DROP EXTENSION fails while objects use it (CASCADE would drop them): review first.\n` +
    `DROP EXTENSION ${quoteIdent(input.name)};\n` +
    `CREATE EXTENSION ${quoteIdent(input.name)} SCHEMA ${quoteIdent(input.toSchema)};`
  );
}

/** Verification of a moved routine: its OID answers to the name in the target. One boolean `resolves`. */
export function routineResolvesSql(input: { readonly schema: string; readonly name: string; readonly argTypes: string; readonly oid: number }): string {
  const signature = `${qualified(input.schema, input.name)}(${input.argTypes})`;
  return `SELECT to_regprocedure(${quoteLiteral(signature)}) IS NOT DISTINCT FROM ${oid(input.oid)}::regprocedure AS resolves`;
}

/** Verification of a moved type or domain: `to_regtype` of the target name is the same type. */
export function typeResolvesSql(input: { readonly schema: string; readonly name: string; readonly oid: number }): string {
  return `SELECT to_regtype(${quoteLiteral(qualified(input.schema, input.name))}) IS NOT DISTINCT FROM ${oid(input.oid)}::regtype AS resolves`;
}

/** Verification of a moved extension: `pg_extension.extnamespace` is the target schema. */
export function extensionResolvesSql(input: { readonly name: string; readonly schema: string }): string {
  return (
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace` +
    ` WHERE e.extname = ${quoteLiteral(input.name)} AND n.nspname = ${quoteLiteral(input.schema)}) AS resolves`
  );
}

function oid(value: number): string {
  // Spliced as a number: only ever a catalog OID.
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`not an OID: ${value}`);
  return `${value}`;
}
