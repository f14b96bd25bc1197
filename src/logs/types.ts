/**
 * What the log readers hand to the cascade: whole log records, not parsed. `diagnose(text)` reads
 * the errors out of `text`; the readers only decide where one record ends and the next begins.
 * The text is hostile input, like an HTTP body.
 */

export interface LogEntry {
  /** `log`: an application log file named in `logs`; `server-log`: PostgreSQL's own log. */
  readonly source: 'log' | 'server-log';
  /** The log file the entry was read from (for `server-log`, the path PostgreSQL reports). */
  readonly file: string;
  /** One whole record: its first line plus continuation lines (e.g. a full Python traceback). */
  readonly text: string;
  /**
   * The request path the record names, when it names one: Django's `Internal Server Error: /x/`,
   * gunicorn's `Error handling request /x/`, or an access-log request line (raw request target,
   * query string included when the log has one).
   */
  readonly requestPath?: string | undefined;
  /** Server log: the database and role the record is about, when the log format carries them. */
  readonly database?: string | undefined;
  readonly user?: string | undefined;
  /** Server log: when PostgreSQL logged it (epoch ms), when the format carries a readable time. */
  readonly time?: number | undefined;
  /** Server log: the record's severity as logged (`ERROR`, `FATAL`, translated). */
  readonly severity?: string | undefined;
  /** Server log: the stderr prefix reads two ways (a forged user or database name), so it names no one. */
  readonly ambiguousPrefix?: true | undefined;
}

/** What one `readNew()` returns. Warnings are plain sentences for the report; never thrown. */
export interface LogReadResult {
  readonly entries: LogEntry[];
  readonly warnings: string[];
}

/** Default bound on the bytes read from one log file in one `readNew()` call. */
export const DEFAULT_MAX_BYTES_PER_READ = 8 * 1024 * 1024;
