/**
 * Why the Django history could not be read. Exit 2 when the fix is in the config or the project
 * (the command, its folder, its settings, its migrations); exit 3 when the environment is at
 * fault (the database Django connects to, a read that hangs). Messages are masked by the reader.
 */
import { ConfigError, EnvironmentError } from '../../errors.js';

/** `history.django.manage` did not start: no interpreter, no manage.py, no such folder. Exit 2. */
export class ManageNotStartedError extends ConfigError {
  override readonly code = 'HISTORY_MANAGE_NOT_STARTED';
}

/** The project failed before Django was ready (settings raise, an app does not import). Exit 2. */
export class DjangoProjectError extends ConfigError {
  override readonly code = 'HISTORY_PROJECT_FAILED';
}

/** Django was ready but its migrations could not be read (an inconsistent graph, not PostgreSQL, garbled output). Exit 2. */
export class HistoryReadError extends ConfigError {
  override readonly code = 'HISTORY_READ_FAILED';
}

/** Django could not connect to its database. Exit 3. */
export class HistoryDatabaseUnreachableError extends EnvironmentError {
  override readonly code = 'HISTORY_DB_UNREACHABLE';
}

/** The read did not finish within `history.django.readTimeoutMs`. Exit 3. */
export class HistoryTimeoutError extends EnvironmentError {
  override readonly code = 'HISTORY_TIMEOUT';
}
