/**
 * The PostgreSQL messages `diagnose` reads, by their English msgid (the key of every translation
 * in PostgreSQL's gettext catalogs). `roles` says what each printf argument is, in the msgid's
 * argument order; translations may reorder them (`%2$s … %1$s`), which the template compiler
 * resolves through these roles.
 *
 * The generator (test/tools/generate-message-patterns.ts) extracts the translations of exactly
 * these msgids, so adding one here and re-running it is how a message is added.
 */

export type SlotRole = 'schema' | 'name' | 'table' | 'column' | 'signature';

export interface TargetMessage {
  readonly msgid: string;
  readonly kind: 'missing-relation' | 'missing-column' | 'missing-function' | 'missing-type';
  readonly roles: readonly SlotRole[];
}

export const TARGET_MESSAGES: readonly TargetMessage[] = [
  // RangeVarGetRelidExtended / parserOpenTable, unqualified name.
  { msgid: 'relation "%s" does not exist', kind: 'missing-relation', roles: ['name'] },
  // The same for a schema-qualified name: PostgreSQL prints schema and name inside one pair of quotes.
  { msgid: 'relation "%s.%s" does not exist', kind: 'missing-relation', roles: ['schema', 'name'] },
  { msgid: 'column "%s" does not exist', kind: 'missing-column', roles: ['column'] },
  // errorMissingColumn with a qualifier: the first part is the table name OR its alias, unquoted.
  { msgid: 'column %s.%s does not exist', kind: 'missing-column', roles: ['table', 'column'] },
  // INSERT/UPDATE target lists.
  { msgid: 'column "%s" of relation "%s" does not exist', kind: 'missing-column', roles: ['column', 'table'] },
  // ParseFuncOrColumn (42883): func_signature_string prints the name unquoted, schema-qualified
  // as written, and the argument types in parentheses: `function f(integer, text) does not exist`.
  // `operator does not exist: …` is another msgid and never a finding (an operator is no object
  // a misplaced schema explains without knowing both operand types).
  { msgid: 'function %s does not exist', kind: 'missing-function', roles: ['signature'] },
  { msgid: 'procedure %s does not exist', kind: 'missing-function', roles: ['signature'] },
  // LookupAggWithArgs (DROP/ALTER AGGREGATE agg(int)); a call of a missing aggregate is `function`.
  { msgid: 'aggregate %s does not exist', kind: 'missing-function', roles: ['signature'] },
  // typenameType (42704): TypeNameToString prints `schema.name` inside one pair of quotes.
  { msgid: 'type "%s" does not exist', kind: 'missing-type', roles: ['name'] },
];

/**
 * Messages that carry SQLSTATE 42P01 (undefined_table) but name no missing table: the query
 * refers to a table it never put in its FROM clause (`SELECT users.id FROM t`). Moving a table
 * cannot fix that, so these are never findings, in any language, even when a body gives only the
 * code beside them. The generator extracts their translations like the targets'.
 */
export const NOT_FINDING_MSGIDS: readonly string[] = [
  // errorMissingRTE in src/backend/parser/parse_relation.c (both ERRCODE_UNDEFINED_TABLE).
  'missing FROM-clause entry for table "%s"',
  'invalid reference to FROM-clause entry for table "%s"',
];
