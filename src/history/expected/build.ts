/**
 * The expected schema: every applied migration's statements, in order, replayed through the real
 * PostgreSQL parser into a model of what should exist in the target schema.
 */
import type { Node } from 'libpg-query';
import type { ExpectedRelation, ExpectedSchema, MigrationHistory, MigrationRef, UnfollowedStatement } from '../types.js';
import { freezeRelation, SchemaModel } from './model.js';
import { loadParser } from './parser.js';
import { loadDeparser } from './deparse.js';
import { replayStatement } from './replay.js';
import { Unfollowable } from './unfollowable.js';

/** The deparser's own failure on an expression is the model's "cannot follow", not a crash. */
function printExpression(deparse: (node: Node) => string, node: Node): string {
  try {
    return deparse(node);
  } catch (error) {
    throw new Unfollowable(`an expression the deparser cannot print: ${(error as Error).message}`);
  }
}

export interface ExpectedSchemaOptions {
  /** The schema unqualified names mean (the config's `database.targetSchema`). */
  readonly targetSchema: string;
}

export async function buildExpectedSchema(history: MigrationHistory, options: ExpectedSchemaOptions): Promise<ExpectedSchema> {
  const parse = await loadParser();
  const deparse = await loadDeparser();
  const model = new SchemaModel(options.targetSchema);
  const unfollowed: UnfollowedStatement[] = [];
  let statementCount = 0;
  let otherSchemaStatements = 0;

  for (const migration of history.migrations) {
    const ref: MigrationRef = { id: migration.id, appliedAt: migration.appliedAt };
    for (const sql of migration.statements) {
      if (migration.notFollowed !== undefined) {
        unfollowed.push({ migration: ref, statement: sql.trim(), reason: migration.notFollowed });
        continue;
      }
      const parsed = parse(sql);
      if (!parsed.ok) {
        unfollowed.push({ migration: ref, statement: sql.trim(), reason: `does not parse: ${parsed.error}` });
        continue;
      }
      for (const { node, text } of parsed.statements) {
        statementCount += 1;
        try {
          const outcome = replayStatement({ model, migration: ref, text, deparse: (n: Node) => printExpression(deparse, n) }, node);
          if (outcome === 'other-schema') otherSchemaStatements += 1;
        } catch (error) {
          if (!(error instanceof Unfollowable)) throw error;
          unfollowed.push({ migration: ref, statement: text, reason: error.message });
        }
      }
    }
  }

  const relations = new Map<string, ExpectedRelation>();
  for (const name of [...model.relations.keys()].sort()) relations.set(name, freezeRelation(model.schema, model.relations.get(name)!));
  return {
    schema: model.schema,
    relations,
    unfollowed,
    migrationCount: history.migrations.length,
    statementCount,
    otherSchemaStatements,
  };
}
