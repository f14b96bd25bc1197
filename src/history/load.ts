/**
 * Reading the history once per run (and once per scan): the configured reader's MigrationHistory
 * replayed into the expected schema. Injected into `run` and `scan` as a function, so tests hand
 * them an expectation without a Django project and the real readers stay in their own modules.
 */
import type { ResolvedConfig } from '../config/types.js';
import { HistoryUnavailableError } from '../errors.js';
import type { ExpectedSchema, MigrationHistory } from './types.js';

export interface LoadedHistory {
  readonly expected: ExpectedSchema;
  readonly history?: MigrationHistory | undefined;
}

export type HistoryLoader = (config: ResolvedConfig) => Promise<LoadedHistory | null>;

/** The configured reader, or null when the config has no `history` section. */
export const loadHistory: HistoryLoader = async (config) => {
  if (!config.history) return null;
  throw new HistoryUnavailableError('history.django is configured, but this build of smoke-fix cannot read a Django history yet.');
};
