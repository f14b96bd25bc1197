/**
 * Reading the history once per run (and once per scan): the configured reader's MigrationHistory
 * replayed into the expected schema. Injected into `run` and `scan` as a function, so tests can
 * hand them an expectation without a Django project; the real readers stay in their own modules.
 */
import { secretsOf } from '../config/secrets.js';
import type { ResolvedConfig } from '../config/types.js';
import { readDjangoHistory } from './django/index.js';
import { buildExpectedSchema } from './expected/index.js';
import type { ExpectedSchema, MigrationHistory } from './types.js';

export interface LoadedHistory {
  readonly expected: ExpectedSchema;
  readonly history?: MigrationHistory | undefined;
}

export type HistoryLoader = (config: ResolvedConfig) => Promise<LoadedHistory | null>;

/** The configured reader, or null when the config has no `history` section. */
export const loadHistory: HistoryLoader = async (config) => {
  if (!config.history) return null;
  const { targetSchema, sourceSchemas } = config.database;
  const history = await readDjangoHistory(config.history.django, {
    secrets: secretsOf(config),
    introspectSchemas: [targetSchema, ...sourceSchemas],
  });
  return { expected: await buildExpectedSchema(history, { targetSchema }), history };
};
