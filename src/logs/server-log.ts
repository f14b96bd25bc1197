/**
 * PostgreSQL's own log, read through SQL, for apps that log nothing useful: every failed query is
 * there (`ERROR:  relation "x" does not exist` + `STATEMENT:  ...`) whatever the app does with it.
 *
 * Needs `logging_collector = on` with `jsonlog`, `csvlog` or `stderr` in `log_destination` (so
 * `pg_current_logfile()` names a file; for stderr, a `log_line_prefix` with `%d`, see server-log-format.ts) and EXECUTE on `pg_current_logfile`, `pg_stat_file` and `pg_read_binary_file`
 * (superusers have it). When that is missing the reader says so ONCE, as a warning with the fix,
 * and returns nothing from then on: the server log is a bonus, never a reason to fail a run.
 *
 * `pg_read_binary_file` rather than `pg_read_file`: the byte window may cut a multi-byte character,
 * which `pg_read_file` rejects as invalid text; bytes are split into lines here instead.
 */
import { quoteIdent } from '../db/quote.js';
import type { Queryable } from '../db/types.js';
import { LineSplitter } from './line-splitter.js';
import { csvlogRecords, jsonlogRecords, prefixParser, stderrRecords, type PrefixParser, type ServerLogFormat, type ServerLogRecord } from './server-log-format.js';
import { readWindow, skippedWarning } from './read-window.js';
import { DEFAULT_MAX_BYTES_PER_READ, type LogEntry, type LogReadResult } from './types.js';

export interface ServerLogReaderOptions {
  /** Most bytes read from the log in one `readNew()`; older bytes beyond it are skipped with a warning. */
  readonly maxBytesPerRead?: number;
  /** `database.appRole`: records must name it, so a stderr prefix without `%u` cannot be used. */
  readonly appRole?: string | undefined;
}

const FUNCTIONS = [
  'pg_catalog.pg_current_logfile(text)',
  'pg_catalog.pg_stat_file(text, boolean)',
  'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)',
] as const;

const ACCESS_SQL = `
  SELECT current_user AS role,
         current_setting('logging_collector') AS collector,
         ARRAY[${FUNCTIONS.map((f) => `has_function_privilege('${f}', 'EXECUTE')`).join(', ')}] AS allowed`;

/** The current log file of a format and its size, in one round trip. */
const LOCATE_SQL = `
  SELECT l.file, s.size
  FROM pg_catalog.pg_current_logfile($1) AS l(file)
  LEFT JOIN LATERAL pg_catalog.pg_stat_file(l.file, true) AS s ON true`;

/** What tells a record's database apart: the destinations, the stderr prefix, and our database. */
const FORMAT_SQL = `
  SELECT current_setting('log_destination') AS destination,
         current_setting('log_line_prefix') AS prefix,
         current_database() AS database`;

/** A prefix that names database and role, suggested when the configured one does not. */
const SUGGESTED_PREFIX = '%m [%p] %q%u@%d ';

const SIZE_SQL = `SELECT size FROM pg_catalog.pg_stat_file($1, true)`;
const READ_SQL = `SELECT pg_catalog.pg_read_binary_file($1, $2, $3, true) AS bytes`;

const PREFIX = "cannot read PostgreSQL's log";
const OPT_OUT = 'or set database.serverLog: false';

interface AccessRow {
  role: string;
  collector: string;
  allowed: boolean[];
}
interface LocateRow {
  file: string | null;
  size: string | number | null;
}

export class ServerLogReader {
  /** The followed log file (as `pg_current_logfile` names it) and the bytes of it already consumed. */
  private file: string | null = null;
  private offset = 0;
  private readonly lines: LineSplitter;
  /** Why the log cannot be read, once known; the warning is handed out by the next `readNew`. */
  private unavailable: string | null = null;
  private pendingWarnings: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** The format followed (jsonlog and csvlog name the database in every record; stderr needs `%d`). */
  private format: ServerLogFormat = 'stderr';
  private prefix: PrefixParser = prefixParser('');
  private csvPending = '';
  /** The database smoke-fix is connected to: the only one whose records count. */
  databaseName = '';

  private constructor(
    private readonly db: Queryable,
    private readonly maxBytes: number,
    private readonly appRole: string | undefined,
  ) {
    this.lines = new LineSplitter(maxBytes);
  }

  /** Remembers where the server log ends now; only messages logged after this are returned. */
  static async start(db: Queryable, options: ServerLogReaderOptions = {}): Promise<ServerLogReader> {
    const maxBytes = options.maxBytesPerRead ?? DEFAULT_MAX_BYTES_PER_READ;
    if (!(Number.isInteger(maxBytes) && maxBytes > 0)) {
      throw new RangeError(`maxBytesPerRead must be a positive integer, got ${maxBytes}`);
    }
    const reader = new ServerLogReader(db, maxBytes, options.appRole);
    try {
      const reason = (await reader.checkAccess()) ?? (await reader.chooseFormat());
      if (reason) {
        reader.disable(reason);
      } else {
        const { file, size } = await reader.locate();
        if (file === null) reader.disable(`${PREFIX}: PostgreSQL writes no ${reader.format} log file (log_destination); ${OPT_OUT}`);
        reader.file = file;
        reader.offset = size;
      }
    } catch (e) {
      reader.disable(`${PREFIX}: ${messageOf(e)}; ${isPrivilegeError(e) ? grantAdvice(null) : OPT_OUT}`);
    }
    return reader;
  }

  /** Why the server log cannot be read (the warning already given), or null while it can. */
  get unavailableReason(): string | null {
    return this.unavailable;
  }

  /** Messages PostgreSQL logged since the previous call (or since `start`), each with its secondary lines. */
  readNew(): Promise<LogReadResult> {
    const result = this.queue.then(() => this.readAll());
    this.queue = result.catch(() => {});
    return result;
  }

  private async readAll(): Promise<LogReadResult> {
    const warnings = this.pendingWarnings;
    this.pendingWarnings = [];
    if (this.unavailable) return { entries: [], warnings };
    const entries: LogEntry[] = [];
    /** Lines read from the followed file so far, turned into entries when the file is done with. */
    let lines: string[] = [];
    const finishFile = () => {
      for (const r of this.records(lines)) entries.push({ source: 'server-log', file: this.file ?? '', ...r });
      lines = [];
    };
    try {
      const current = await this.locate();
      if (current.file === null) {
        this.disable(`${PREFIX}: log_destination no longer includes ${this.format}; ${OPT_OUT}`);
      } else {
        if (current.file !== this.file) {
          // The collector switched files (rotation): finish the old one, then the new one from 0.
          if (this.file !== null) {
            const [old] = (await this.db.query(SIZE_SQL, [this.file])).rows as Array<{ size: string | null }>;
            if (old?.size != null) lines.push(...(await this.readGrowth(Number(old.size), warnings)));
            lines.push(...this.lines.flush());
            finishFile();
          }
          this.file = current.file;
          this.offset = 0;
          this.csvPending = '';
        }
        if (current.size < this.offset) {
          // Same name, shorter: reused with log_truncate_on_rotation.
          lines.push(...this.lines.flush());
          this.offset = 0;
        }
        lines.push(...(await this.readGrowth(current.size, warnings)));
      }
    } catch (e) {
      if (isPrivilegeError(e)) this.disable(`${PREFIX}: ${messageOf(e)}; ${grantAdvice(null)}`);
      else warnings.push(`${PREFIX} this time: ${messageOf(e)}`);
    }
    finishFile();
    return { entries, warnings: [...warnings, ...this.takeWarnings()] };
  }

  /** A reason the role cannot read the log, or null when it can. */
  private async checkAccess(): Promise<string | null> {
    const [row] = (await this.db.query<AccessRow & Record<string, unknown>>(ACCESS_SQL)).rows;
    if (!row) throw new Error('no answer to the access check');
    if (row.collector !== 'on') {
      return `${PREFIX}: logging_collector is off; set logging_collector = on (needs a restart), ${OPT_OUT}`;
    }
    const missing = FUNCTIONS.filter((_, i) => row.allowed[i] !== true);
    if (missing.length === 0) return null;
    return (
      `${PREFIX}: role ${row.role} may not call ${missing.map((f) => f.replace('pg_catalog.', '')).join(', ')}; ` +
      grantAdvice(row.role, missing)
    );
  }

  /**
   * jsonlog, else csvlog, else stderr: the first two name the database in every record. A stderr
   * prefix without `%d` cannot tell this database's errors from another's: a reason, said once.
   */
  private async chooseFormat(): Promise<string | null> {
    const [row] = (await this.db.query(FORMAT_SQL)).rows as Array<{ destination: string; prefix: string; database: string }>;
    if (!row) throw new Error('no answer to the log format check');
    this.databaseName = row.database;
    const destinations = row.destination.split(',').map((d) => d.trim().toLowerCase());
    this.format = destinations.includes('jsonlog') ? 'jsonlog' : destinations.includes('csvlog') ? 'csvlog' : 'stderr';
    if (this.format !== 'stderr') return null;
    this.prefix = prefixParser(row.prefix);
    const missing = [...(this.prefix.hasDatabase ? [] : ['database name (%d)']), ...(this.appRole !== undefined && !this.prefix.hasUser ? ['role name (%u)'] : [])];
    if (missing.length === 0) return null;
    return (
      `PostgreSQL's log is not used for repairs: its log_line_prefix ${JSON.stringify(row.prefix)} carries no ${missing.join(' and no ')}, ` +
      `so another database's errors cannot be told from this one's; set log_line_prefix = '${SUGGESTED_PREFIX}' (a reload is enough) ` +
      `or add jsonlog to log_destination, ${OPT_OUT}`
    );
  }

  /** Records of complete lines, in the followed format. */
  private records(lines: readonly string[]): ServerLogRecord[] {
    if (this.format === 'jsonlog') return jsonlogRecords(lines);
    if (this.format === 'csvlog') {
      const out = csvlogRecords(lines, this.csvPending);
      this.csvPending = out.pending;
      return out.records;
    }
    return stderrRecords(lines, this.prefix);
  }

  private async locate(): Promise<{ file: string | null; size: number }> {
    const [row] = (await this.db.query<LocateRow & Record<string, unknown>>(LOCATE_SQL, [this.format])).rows;
    return { file: row?.file ?? null, size: row?.size == null ? 0 : Number(row.size) };
  }

  /** Complete lines between the offset and `size` of the followed file, within the byte bound. */
  private async readGrowth(size: number, warnings: string[]): Promise<string[]> {
    const w = readWindow({ offset: this.offset, size, maxBytes: this.maxBytes });
    if (w.length === 0) return [];
    const [row] = (await this.db.query(READ_SQL, [this.file, w.position, w.length])).rows as Array<{
      bytes: Buffer | null;
    }>;
    const bytes = row?.bytes ?? Buffer.alloc(0);
    this.offset = w.position + bytes.length;
    if (w.skipped > 0) {
      warnings.push(skippedWarning({ file: `PostgreSQL log ${this.file}`, skipped: w.skipped, maxBytes: this.maxBytes }));
      return this.lines.pushAfterCut(bytes);
    }
    return this.lines.push(bytes);
  }

  private disable(reason: string): void {
    if (this.unavailable) return;
    this.unavailable = reason;
    this.pendingWarnings.push(reason);
  }

  private takeWarnings(): string[] {
    const w = this.pendingWarnings;
    this.pendingWarnings = [];
    return w;
  }
}

/** The GRANT that fixes it, ready to paste. */
function grantAdvice(role: string | null, functions: readonly string[] = FUNCTIONS): string {
  const grantee = role === null ? 'the role smoke-fix connects as' : quoteIdent(role);
  return (
    `a superuser can run GRANT EXECUTE ON FUNCTION ${functions.join(', ')} TO ${grantee} ` +
    `(plus GRANT pg_read_server_files when log_directory is outside the data directory), ${OPT_OUT}`
  );
}

/** SQLSTATE 42501 insufficient_privilege (also "absolute path not allowed" outside the data directory). */
function isPrivilegeError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '42501';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
