/**
 * What to tell a person about a column smoke-fix will not add unattended: what is true of the
 * target table (its rows, whether a default would fill them) and SQL that would work, with the
 * default the stale copy had — or, with no default, the nullable → fill → NOT NULL steps.
 */
import { qualified, quoteIdent } from '../db/quote.js';
import { describeRows, type TableRows } from '../db/table-rows.js';
import type { ColumnInfo } from '../db/types.js';
import { addColumnSql } from './sql.js';

export interface UnsafeColumnInput {
  readonly schema: string;
  readonly table: string;
  readonly copySchema: string;
  readonly column: ColumnInfo;
  /** Why it is unsafe (see plan.ts `unsafeBecause`). */
  readonly because: string;
  readonly rows: TableRows | undefined;
}

function rowsSentence(target: string, rows: TableRows | undefined): string {
  return rows ? `${target} has ${describeRows(rows)}` : `the row count of ${target} was not read`;
}

export function unsafeColumnAdvice(input: UnsafeColumnInput): { detail: string; suggestedSql: string } {
  const { column, rows } = input;
  const target = qualified(input.schema, input.table);
  const name = JSON.stringify(column.name);
  const head = `Column ${name} of ${qualified(input.copySchema, input.table)} is ${input.because}; ${rowsSentence(target, rows)}`;
  const empty = rows?.kind === 'exact' && rows.rows === 0;
  const single = addColumnSql({ schema: input.schema, table: input.table, column });

  if (column.notNull && column.default === null && !column.identity && !column.generated) {
    if (empty) {
      return {
        detail: `${head}, so adding it NOT NULL works now but fails once a row is inserted before it runs (no default would fill it); review the suggested SQL and run it by hand.`,
        suggestedSql: single,
      };
    }
    // Existing rows need a value nobody can guess: add nullable, fill, then constrain.
    const col = quoteIdent(column.name);
    return {
      detail: `${head}, and no default would fill them, so adding it NOT NULL in one statement fails; the suggested SQL adds it nullable, fills it (choose the value for existing rows) and then sets NOT NULL.`,
      suggestedSql: [
        `ALTER TABLE ${target} ADD COLUMN ${col} ${column.type};`,
        `UPDATE ${target} SET ${col} = /* value for existing rows */ WHERE ${col} IS NULL;`,
        `ALTER TABLE ${target} ALTER COLUMN ${col} SET NOT NULL;`,
      ].join('\n'),
    };
  }
  const fill = empty ? 'there is nothing to fill yet, but adding it takes an ACCESS EXCLUSIVE lock and the definition should be reviewed' : 'adding it evaluates it for every row and rewrites the table under an ACCESS EXCLUSIVE lock';
  return { detail: `${head}: ${fill}; review the suggested SQL (the copy's own definition) and run it by hand.`, suggestedSql: single };
}
