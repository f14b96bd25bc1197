/**
 * Reading the history once per run (and once per scan): the configured reader's MigrationHistory
 * replayed into the expected schema. Injected into `run` and `scan` as a function, so tests can
 * hand them an expectation without a Django project; the real readers stay in their own modules.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { ExpectedSchema, MigrationHistory } from './types.js';

export interface LoadedHistory {
  readonly expected: ExpectedSchema;
  readonly history?: MigrationHistory | undefined;
}

export type HistoryLoader = (config: ResolvedConfig) => Promise<LoadedHistory | null>;

/** The configured reader, or null when the config has no `history` section. */
export const loadHistory: HistoryLoader = async (config) => {
  if (config.history === undefined) return null;
  // Loaded only for a config with `history`: the readers and PostgreSQL's parser (WASM) cost a
  // run without one about 40 ms of start-up.
  const [{ readConfiguredHistory }, { buildExpectedSchema }] = await Promise.all([import('./read-history.js'), import('./expected/index.js')]);
  const history = await readConfiguredHistory(config);
  if (!history) return null;
  return { expected: await buildExpectedSchema(history, { targetSchema: config.database.targetSchema }), history };
};
