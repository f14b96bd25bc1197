/**
 * The configured migration history, read with what the rest of the config says: the config's
 * secrets masked in every message, and the target and source schemas visible to the few Django
 * operations that consult the live catalog (see django/read.ts). A plain-SQL folder's history
 * table is looked up in the same schemas, the target first.
 */
import { secretsOf } from '../config/secrets.js';
import type { ResolvedConfig } from '../config/types.js';
import { readDjangoHistory } from './django/index.js';
import { readSqlHistory } from './sql/index.js';
import type { MigrationHistory } from './types.js';

/** The history, or undefined when the config has no `history` section. */
export async function readConfiguredHistory(config: ResolvedConfig): Promise<MigrationHistory | undefined> {
  if (config.history === undefined) return undefined;
  const schemas = [config.database.targetSchema, ...config.database.sourceSchemas];
  if (config.history.sql !== undefined) {
    return readSqlHistory(config.history.sql, { databaseUrl: config.database.url, connectRetries: config.database.connectRetries, schemas });
  }
  if (config.history.django === undefined) return undefined;
  return readDjangoHistory(config.history.django, { secrets: secretsOf(config), introspectSchemas: schemas });
}
