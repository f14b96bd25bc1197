/**
 * Is a column default (as `pg_get_expr` prints it) a plain constant? Only then is adding the
 * column to a full table cheap and predictable: PostgreSQL stores the value once ("fast default")
 * instead of evaluating an expression per row, and nothing points back at the source schema.
 *
 * Deliberately conservative: a literal, optionally cast (`'x'::character varying`, `'{}'::jsonb`,
 * `'-1'::integer`, `1.5`, `false`, `NULL`). Anything else, `now()`, `nextval(…)`, `(1 + 1)`, counts
 * as not constant, and the planner then leaves the column to a person.
 */

const LITERAL = String.raw`(?:NULL|true|false|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|'(?:[^']|'')*')`;
// A type name as format_type prints it: words, optional schema/quotes, typmod, array brackets.
const WORD = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const TYPMOD = String.raw`(?:\(\d+(?:,\s*\d+)?\))?`;
const TYPE = String.raw`${WORD}(?:\.${WORD})?${TYPMOD}(?: [a-z_][a-z0-9_]*${TYPMOD})*(?:\[\])*`;
const CONSTANT = new RegExp(String.raw`^\(?${LITERAL}(?:::${TYPE})*\)?$`, 'i');

export function isConstantDefault(expression: string | null): boolean {
  if (expression === null) return false;
  return CONSTANT.test(expression.trim());
}
