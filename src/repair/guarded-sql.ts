/**
 * The SQL of a repair migration: a PL/pgSQL `DO` block that is safe on any copy of the database.
 * On the repaired database it does nothing; on another copy with the same drift it makes the same
 * change, and only while the object is still misplaced: in the source schema AND missing from the
 * target. It never creates anything from scratch (no `CREATE TABLE IF NOT EXISTS`): a table that
 * exists in neither schema, or in both, is left alone. The reverse block mirrors the condition.
 *
 * The statement inside each block is the exact statement the run executed (`action.sql`), which
 * the planner built from catalog names through `quoteIdent`; the names in the guards are catalog
 * names too, passed through `quoteIdent`/`quoteLiteral`.
 */
import { qualified, quoteLiteral } from '../db/quote.js';
import type { AddColumnAction, MoveObjectAction, MoveRelationAction, RepairAction } from './types.js';

/** `to_regclass('"schema"."name"')`: NULL when the relation (or its schema) does not exist. */
function regclass(schema: string, name: string): string {
  return `to_regclass(${quoteLiteral(qualified(schema, name))})`;
}

/** True when `schema.table` exists and has a live column `column`. */
function hasColumn(schema: string, table: string, column: string): string {
  return (
    `EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ${regclass(schema, table)}` +
    ` AND attname = ${quoteLiteral(column)} AND attnum > 0 AND NOT attisdropped)`
  );
}

/** True when the schema exists (a reverse move into a schema a clean copy never had is a no-op). */
function schemaExists(schema: string): string {
  return `EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${quoteLiteral(schema)})`;
}

/** A dollar-quote tag the body cannot contain (names could, in theory, hold `$smoke_fix$`). */
function dollarQuote(body: string): string {
  let tag = '$smoke_fix$';
  for (let n = 1; body.includes(tag); n++) tag = `$smoke_fix_${n}$`;
  return `DO ${tag}\nBEGIN\n${body}\nEND\n${tag};`;
}

/** `IF a\n     AND b THEN`: one condition a line, so a reviewer reads the guard at a glance. */
function ifAll(keyword: 'IF' | 'ELSIF', conditions: readonly string[]): string {
  return `  ${keyword} ${conditions.join('\n     AND ')} THEN`;
}

/** `RAISE NOTICE '%', '<text>'`: the text as a parameter, so a `%` in a name is not a placeholder. */
function notice(text: string): string {
  return `RAISE NOTICE '%', ${quoteLiteral(`smoke-fix: ${text}`)};`;
}

interface MoveSides {
  readonly from: string;
  readonly to: string;
  readonly statement: string;
}

function guardedMove(action: MoveRelationAction, sides: MoveSides): string {
  const name = action.relation.name;
  const inFrom = regclass(sides.from, name);
  const inTo = regclass(sides.to, name);
  return dollarQuote(
    [
      ifAll('IF', [`${inFrom} IS NOT NULL`, `${inTo} IS NULL`, schemaExists(sides.to)]),
      `    ${sides.statement}`,
      ifAll('ELSIF', [`${inFrom} IS NOT NULL`, `${inTo} IS NOT NULL`]),
      `    ${notice(`${sides.from}.${name} and ${sides.to}.${name} both exist; nothing moved, check by hand`)}`,
      '  END IF;',
    ].join('\n'),
  );
}

/** A routine/type/extension: moved only while it is in `from` and its name is free in `to`. */
function guardedObjectMove(action: MoveObjectAction, sides: MoveSides): string {
  const { object } = action;
  const exists = (schema: string): string => {
    if (object.kind === 'extension') {
      return `EXISTS (SELECT 1 FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ${quoteLiteral(object.name)} AND n.nspname = ${quoteLiteral(schema)})`;
    }
    const name = qualified(schema, object.name);
    return object.argTypes !== undefined ? `to_regprocedure(${quoteLiteral(`${name}(${object.argTypes})`)}) IS NOT NULL` : `to_regtype(${quoteLiteral(name)}) IS NOT NULL`;
  };
  return dollarQuote([ifAll('IF', [exists(sides.from), `NOT ${exists(sides.to)}`, schemaExists(sides.to)]), `    ${sides.statement}`, '  END IF;'].join('\n'));
}

function guardedColumn(action: AddColumnAction, direction: 'forward' | 'reverse'): string {
  const { schema, table, copySchema } = action;
  const column = action.column.name;
  const inTarget = hasColumn(schema, table, column);
  // A column replayed from its migration has no copy to look at: only the target's state counts.
  const inCopy = action.fromMigration ? 'true' : hasColumn(copySchema, table, column);
  // Forward: the target table lacks the column and the stale copy has it (the same drift).
  // Reverse: the target has it and the copy still has it (the state this repair left behind).
  const conditions =
    direction === 'forward' ? [`${regclass(schema, table)} IS NOT NULL`, `NOT ${inTarget}`, inCopy] : [inTarget, inCopy];
  const statement = direction === 'forward' ? action.sql : action.rollbackSql;
  return dollarQuote([ifAll('IF', conditions), `    ${statement}`, '  END IF;'].join('\n'));
}

/** The migration's `sql`: redo the repair where, and only where, the same drift is still there. */
export function guardedForwardSql(action: RepairAction): string {
  if (action.kind === 'move-object') return guardedObjectMove(action, { from: action.fromSchema, to: action.toSchema, statement: action.sql });
  return action.kind === 'move-relation'
    ? guardedMove(action, { from: action.fromSchema, to: action.toSchema, statement: action.sql })
    : guardedColumn(action, 'forward');
}

/** The migration's `reverse_sql`: undo it under the mirrored condition. */
export function guardedReverseSql(action: RepairAction): string {
  if (action.kind === 'move-object') return guardedObjectMove(action, { from: action.toSchema, to: action.fromSchema, statement: action.rollbackSql });
  return action.kind === 'move-relation'
    ? guardedMove(action, { from: action.toSchema, to: action.fromSchema, statement: action.rollbackSql })
    : guardedColumn(action, 'reverse');
}
