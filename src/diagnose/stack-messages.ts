/**
 * Error sentences that are not PostgreSQL's own but a library's rewording of them, compiled by the
 * same template matcher as PostgreSQL's messages. Everything else the stacks print (ActiveRecord,
 * Laravel, SQLAlchemy, Sequelize, TypeORM, Knex, pq, pgx, Hibernate) carries PostgreSQL's sentence
 * verbatim inside its own prefix and suffix, so it needs no entry here.
 */
import type { TargetMessage } from './message-ids.js';

export interface StackMessage {
  /** The library that prints it, for the reader. */
  readonly stack: string;
  readonly target: TargetMessage;
}

// Prisma's query engine: prisma/prisma-engines libs/user-facing-errors/src/query_engine/mod.rs,
// P2021 `The table `{table}` does not exist in the current database.` and P2022 `The column
// `{column}` does not exist in the current database.` The names sit between backticks, so the
// slots are bare: they stop at whitespace and quotes. Prisma 7 may print `(not available)` as the
// column; that names nothing (the space ends a bare slot), so no finding comes from it and the
// server log, when configured, is then the source.
const TABLE = 'The table `%s` does not exist in the current database.';
const TABLE_QUALIFIED = 'The table `%s.%s` does not exist in the current database.';
const COLUMN = 'The column `%s` does not exist in the current database.';
const COLUMN_QUALIFIED = 'The column `%s.%s` does not exist in the current database.';

export const STACK_MESSAGES: readonly StackMessage[] = [
  { stack: 'Prisma P2021', target: { msgid: TABLE, kind: 'missing-relation', roles: ['name'] } },
  { stack: 'Prisma P2021', target: { msgid: TABLE_QUALIFIED, kind: 'missing-relation', roles: ['schema', 'name'] } },
  { stack: 'Prisma P2022', target: { msgid: COLUMN, kind: 'missing-column', roles: ['column'] } },
  { stack: 'Prisma P2022', target: { msgid: COLUMN_QUALIFIED, kind: 'missing-column', roles: ['table', 'column'] } },
];
