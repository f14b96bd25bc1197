/**
 * After a routine, type or extension move commits: does the very object (same OID) now answer to
 * its name in the target? `to_regprocedure`, `to_regtype`, `pg_extension.extnamespace`.
 */
import type { Queryable } from '../db/types.js';
import { objectLabel } from './object-label.js';
import { extensionResolvesSql, routineResolvesSql, typeResolvesSql } from './object-sql.js';
import type { MoveObjectAction } from './types.js';

export function objectResolvesSql(action: MoveObjectAction): string {
  const { object, toSchema } = action;
  if (object.kind === 'extension') return extensionResolvesSql({ name: object.name, schema: toSchema });
  if (object.argTypes !== undefined) return routineResolvesSql({ schema: toSchema, name: object.name, argTypes: object.argTypes, oid: object.oid });
  return typeResolvesSql({ schema: toSchema, name: object.name, oid: object.oid });
}

export async function verifyObjectMove(db: Queryable, action: MoveObjectAction, problems: string[]): Promise<boolean> {
  const { rows } = await db.query<{ resolves: boolean }>(objectResolvesSql(action));
  const resolves = rows[0]?.resolves === true;
  if (!resolves) problems.push(`${objectLabel(action, action.toSchema)} does not resolve to the moved object after the commit`);
  return resolves;
}
