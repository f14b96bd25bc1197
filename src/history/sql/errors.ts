/**
 * Why a plain-SQL migration history could not be read. Exit 2: the fix is in the config or the
 * folder (a wrong `dir`, `format` or `table`); a database that cannot be reached is the usual
 * DatabaseUnreachableError (exit 3).
 */
import { ConfigError } from '../../errors.js';

/** The folder, or the tool's history table, is not where the config says. Exit 2. */
export class SqlHistoryError extends ConfigError {
  override readonly code = 'HISTORY_SQL_UNREADABLE';
}
