/**
 * Repair on proof: with `history` configured, a move or a column add is only planned for what an
 * applied migration created. Error texts are hearsay (anyone who can put a string into a page or a
 * log can name a table); the expected schema is the authority. Pure, used by the planner.
 */
import { isConstantDefault } from '../db/constant-default.js';
import { qualified, quoteIdent } from '../db/quote.js';
import type { ExpectedColumn, ExpectedRelation, ExpectedSchema } from './types.js';

export const NOT_IN_HISTORY = 'not created by any applied migration of this project';

/** `account.0001_initial, applied 2025-12-29 14:02` */
export function migrationLabel(ref: { readonly id: string; readonly appliedAt: string | null }): string {
  if (ref.appliedAt === null) return ref.id;
  const at = new Date(ref.appliedAt);
  if (Number.isNaN(at.getTime())) return `${ref.id}, applied ${ref.appliedAt}`;
  return `${ref.id}, applied ${at.toISOString().slice(0, 16).replace('T', ' ')}`;
}

export function expectedRelation(expected: ExpectedSchema, name: string): ExpectedRelation | undefined {
  return expected.relations.get(name);
}

export function expectedColumn(expected: ExpectedSchema, table: string, column: string): ExpectedColumn | undefined {
  return expected.relations.get(table)?.columns.find((c) => c.name === column);
}

export type ColumnReplay =
  | { readonly ok: true; readonly sql: string }
  | { readonly ok: false; readonly why: string };

/**
 * The column add a migration performed, rebuilt for the table the catalog names. Django adds a
 * NOT NULL column with a default and drops the default in the next statement; that pair (or a
 * plain ADD COLUMN) is what is replayed, in one transaction by the applier.
 *
 * Only the definition is taken from the migration, and only when it reads as `type [DEFAULT
 * constant] [NOT NULL | NULL]`: the type comes from the model (format_type spelling), the default
 * must be a constant (the same rule as a copied column), and the table and column names are the
 * catalog's, quoted here. Anything else is left to a person with the migration's statements.
 */
export function replayColumnAdd(input: { readonly schema: string; readonly table: string; readonly column: ExpectedColumn }): ColumnReplay {
  const { column } = input;
  const add = column.addSql[0];
  if (add === undefined) return { ok: false, why: 'the migration created it with its table, so there is no column add to replay' };
  const definition = addedDefinition(add, column.name);
  if (definition === null) return { ok: false, why: `its migration statement is not a plain ADD COLUMN smoke-fix can replay (${add.trim()})` };
  const rest = column.addSql.slice(1);
  const dropsDefault = rest.length === 1 && isDropDefault(rest[0]!, column.name);
  if (rest.length > 0 && !dropsDefault) return { ok: false, why: 'its migration ran more than ADD COLUMN and DROP DEFAULT for it' };
  if (definition.default !== null && !isConstantDefault(definition.default)) {
    return { ok: false, why: `its default (${definition.default}) is not a constant and would be evaluated for every row` };
  }
  if (definition.notNull && definition.default === null) return { ok: false, why: 'it is NOT NULL without a default' };
  const table = qualified(input.schema, input.table);
  const name = quoteIdent(column.name);
  const parts = [`ALTER TABLE ${table} ADD COLUMN ${name} ${column.type}`];
  if (definition.default !== null) parts.push(`DEFAULT ${definition.default}`);
  if (definition.notNull) parts.push('NOT NULL');
  const statements = [`${parts.join(' ')};`];
  if (dropsDefault) statements.push(`ALTER TABLE ${table} ALTER COLUMN ${name} DROP DEFAULT;`);
  return { ok: true, sql: statements.join('\n') };
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const TABLE = String.raw`${IDENT}(?:\.${IDENT})?`;

function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1).replace(/""/g, '"') : ident.toLowerCase();
}

/** `ALTER TABLE "t" ADD COLUMN "x" <type> [DEFAULT <expr>] [NOT NULL|NULL][;]` for column `name`. */
function addedDefinition(statement: string, name: string): { default: string | null; notNull: boolean } | null {
  const m = new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?${TABLE}\s+ADD\s+(?:COLUMN\s+)?(${IDENT})\s+(.+?)\s*;?\s*$`, 'is').exec(statement);
  if (!m || unquote(m[1]!) !== name) return null;
  let tail = m[2]!;
  // A constraint, identity or collation in the definition is more than a type and a default:
  // rebuilding only those two would silently drop it.
  if (/\b(CONSTRAINT|REFERENCES|UNIQUE|PRIMARY|CHECK|GENERATED|COLLATE)\b/i.test(tail.replace(/'(?:[^']|'')*'/g, "''"))) return null;
  let notNull = false;
  const nullness = /\s+(NOT\s+NULL|NULL)$/i.exec(tail);
  if (nullness) {
    notNull = /^NOT/i.test(nullness[1]!);
    tail = tail.slice(0, nullness.index);
  }
  const dflt = /\s+DEFAULT\s+(.+)$/is.exec(tail);
  return { default: dflt ? dflt[1]!.trim() : null, notNull };
}

function isDropDefault(statement: string, name: string): boolean {
  const m = new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?${TABLE}\s+ALTER\s+(?:COLUMN\s+)?(${IDENT})\s+DROP\s+DEFAULT\s*;?\s*$`, 'is').exec(statement);
  return m !== null && unquote(m[1]!) === name;
}
