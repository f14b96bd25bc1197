/** What every statement handler gets: the model, the statement, and helpers over the parse tree. */
import type { Node, RangeVar } from 'libpg-query';
import type { MigrationRef } from '../types.js';
import type { SchemaModel } from './model.js';

export interface Step {
  readonly model: SchemaModel;
  readonly migration: MigrationRef;
  /** The statement's own text, as the migration ran it. */
  readonly text: string;
  /** Prints an expression node back as SQL (default values). */
  readonly deparse: (node: Node) => string;
}

/** What a handler reports: the statement changed the model, or only named objects outside the target. */
export type StepOutcome = 'followed' | 'other-schema';

/** The sval of a String node (identifier lists in the tree). */
export function str(node: Node | undefined): string {
  return node && 'String' in node ? (node.String.sval ?? '') : '';
}

export function strings(nodes: readonly Node[] | undefined): string[] {
  return (nodes ?? []).map(str);
}

/** Whether a relation named in a statement is in the target schema (unqualified means it is). */
export function inTarget(step: Step, rv: RangeVar | undefined): boolean {
  if (!rv) return false;
  if (rv.relpersistence === 't') return false; // temporary: pg_temp, never the target
  return rv.schemaname === undefined || rv.schemaname === step.model.schema;
}

/** A qualified name from a list of String nodes (DROP, CREATE SEQUENCE … OWNED BY): schema or null, and the name. */
export function splitName(step: Step, parts: readonly string[]): { inTarget: boolean; name: string } {
  const name = parts[parts.length - 1] ?? '';
  const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return { inTarget: schema === undefined || schema === step.model.schema, name };
}
