/**
 * How people read an action: the one place that names what it changes and where it goes
 * (terminal, the loop's reasons, report.md, Django migrations). Raw text: each format escapes it.
 */
import { objectLabel } from './object-label.js';
import type { RepairAction } from './types.js';

/** What an action changes, in the words every output composes its sentence from. */
export interface ActionWords {
  readonly verb: 'move' | 'add column';
  /** What moves (`test_schema.x`, `function test_schema.f(integer)`), or the added column's name. */
  readonly object: string;
  /** The schema it moves into, or the `schema.table` the column is added to. */
  readonly into: string;
}

export function actionWords(a: RepairAction): ActionWords {
  if (a.kind === 'move-object') return { verb: 'move', object: objectLabel(a), into: a.toSchema };
  if (a.kind === 'move-relation') return { verb: 'move', object: `${a.fromSchema}.${a.relation.name}`, into: a.toSchema };
  return { verb: 'add column', object: a.column.name, into: `${a.schema}.${a.table}` };
}

/** The bare name it changes: the table moved or given a column, or the object moved (`x`, `t`, `f`). */
export function actionName(a: RepairAction): string {
  if (a.kind === 'move-object') return a.object.name;
  return a.kind === 'move-relation' ? a.relation.name : a.table;
}

/** What it changes, without a verb: `test_schema.x`, `public.t.c` (a skipped migration's object). */
export function actionObject(a: RepairAction): string {
  const w = actionWords(a);
  return w.verb === 'move' ? w.object : `${w.into}.${w.object}`;
}

/** One line: `move test_schema.x → public`, `add column public.t.c`. */
export function describeAction(a: RepairAction): string {
  const w = actionWords(a);
  return w.verb === 'move' ? `move ${w.object} → ${w.into}` : `add column ${actionObject(a)}`;
}
