/** How people and files name a moved routine, type or extension (one place for every reader). */
import type { MoveObjectAction } from './types.js';

/** `function test_schema.f(integer)`, `type test_schema.mood`, `extension uuid-ossp`. */
export function objectLabel(action: MoveObjectAction, schema: string = action.fromSchema): string {
  const { object } = action;
  if (object.kind === 'extension') return `extension ${object.name}`;
  const args = object.argTypes !== undefined ? `(${object.argTypes})` : '';
  return `${object.kind} ${schema}.${object.name}${args}`;
}
