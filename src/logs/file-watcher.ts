/**
 * Reads what application log files gained since the run began (`tail -F` semantics, polled).
 *
 * Each file is held open from the moment it is first seen. After a rotation by rename (or delete)
 * the held descriptor still reaches the old file, so its unread tail is read first, then the new
 * file from byte 0: nothing written after start is lost, whatever the old file was renamed to.
 * A file truncated in place (copytruncate) is read again from 0, after the unread tail of its copy
 * `<file>.1` when that copy provably is one (see `unreadTailOfCopy`). Truncation is recognised by
 * size history AND content: the file shrank, or the bytes last read are no longer where they were
 * (truncated and refilled past the old offset between two reads), or — for a log still empty when
 * last read, where no content can prove anything — a new copy `<file>.1` appeared that is not the
 * followed file itself (that would be a rename). Call `close()` when done.
 *
 * Failures to read a log are warnings, never exceptions: a missing log must not stop a repair run.
 */
import { constants as fsConstants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { groupAppLogLines, INITIAL_APP_LOG_STATE, type AppLogState } from './app-log-records.js';
import { FINGERPRINT_BYTES, readRange, unreadTailOfCopy } from './file-range.js';
import { LineSplitter } from './line-splitter.js';
import { readWindow, skippedWarning, type ReadWindow } from './read-window.js';
import { DEFAULT_MAX_BYTES_PER_READ, type LogEntry, type LogReadResult } from './types.js';

export interface LogFileWatcherOptions {
  /** Most bytes read from one file in one `readNew()`; older bytes beyond it are skipped with a warning. */
  readonly maxBytesPerRead?: number;
}

interface Identity {
  readonly dev: number;
  readonly ino: number;
}

interface TrackedFile {
  readonly path: string;
  /** Open descriptor of the file being followed, or null while it is missing or unreadable. */
  handle: FileHandle | null;
  /** Identity of the followed file (kept while `handle` is null too: "the file seen at start"). */
  identity: Identity | null;
  /** Bytes of the followed file already consumed (or present at start). */
  offset: number;
  /** The last bytes consumed before `offset`, to recognise a copytruncate copy. */
  fingerprint: Buffer;
  readonly lines: LineSplitter;
  grouping: AppLogState;
  /** The read problem already warned about (warned once per file, until it is readable again). */
  problem: string | null;
  /** `<path>.1` as last seen (null: absent), to notice a copy made since. */
  copySeen: CopyState | null;
}

interface CopyState extends Identity {
  readonly size: number;
  readonly mtimeMs: number;
}

const copyStateOf = async (path: string): Promise<CopyState | null> => {
  const st = await stat(path).catch(() => null);
  return st?.isFile() ? { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } : null;
};
const sameCopyState = (a: CopyState | null, b: CopyState | null) =>
  a === b || (a !== null && b !== null && sameFile(a, b) && a.size === b.size && a.mtimeMs === b.mtimeMs);

const sameFile = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;
const identityOf = (s: Stats): Identity => ({ dev: s.dev, ino: s.ino });

export class LogFileWatcher {
  private closed = false;
  /** `readNew` calls run one after another: each moves the files' offsets. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly files: readonly TrackedFile[],
    private readonly maxBytes: number,
    /** Warnings from `start`, handed out by the first `readNew`. */
    private pendingWarnings: string[],
  ) {}

  /**
   * Remembers each file's size and identity now; only bytes written after this are returned.
   * A file missing now is fine: everything it gets later is new.
   */
  static async start(files: readonly string[], options: LogFileWatcherOptions = {}): Promise<LogFileWatcher> {
    const maxBytes = options.maxBytesPerRead ?? DEFAULT_MAX_BYTES_PER_READ;
    if (!(Number.isInteger(maxBytes) && maxBytes > 0)) {
      throw new RangeError(`maxBytesPerRead must be a positive integer, got ${maxBytes}`);
    }
    const warnings: string[] = [];
    const tracked = await Promise.all([...new Set(files)].map((path) => track(path, maxBytes, warnings)));
    return new LogFileWatcher(tracked, maxBytes, warnings);
  }

  /** Log records completed since the previous call (or since `start`), file by file in order. */
  readNew(): Promise<LogReadResult> {
    const result = this.queue.then(() => this.readAll());
    this.queue = result.catch(() => {});
    return result;
  }

  /** Releases the held file descriptors. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await Promise.all(this.files.map((f) => f.handle?.close().catch(() => {})));
    for (const f of this.files) f.handle = null;
  }

  private async readAll(): Promise<LogReadResult> {
    if (this.closed) throw new Error('LogFileWatcher.readNew() after close()');
    const warnings = this.pendingWarnings;
    this.pendingWarnings = [];
    const perFile = await Promise.all(this.files.map((f) => this.readFile(f, warnings)));
    return { entries: perFile.flat(), warnings };
  }

  private async readFile(file: TrackedFile, warnings: string[]): Promise<LogEntry[]> {
    const lines: string[] = [];
    try {
      const current = await stat(file.path).catch((e: unknown) => {
        if (errorCode(e) === 'ENOENT') return null;
        throw e;
      });
      if (file.handle) {
        const held = await file.handle.stat();
        if (await this.truncatedSinceLastRead(file, held)) {
          // Truncated in place (copytruncate): what was not read yet survives only in the copy.
          lines.push(...(await this.readCopyTail(file, warnings)), ...file.lines.flush());
          file.offset = 0;
          file.fingerprint = Buffer.alloc(0);
        }
        lines.push(...(await this.readGrowth(file, held.size, warnings)));
        if (!current || !sameFile(identityOf(current), identityOf(held))) {
          // Rotated away: its tail is read above; the file now at `path` is new from byte 0.
          lines.push(...file.lines.flush());
          await file.handle.close();
          file.handle = null;
          file.identity = null;
          file.offset = 0;
        }
      }
      if (!file.handle && current) {
        await openFollowed(file, current);
        lines.push(...(await this.readGrowth(file, (await file.handle!.stat()).size, warnings)));
      }
      file.problem = null;
    } catch (e) {
      // ENOENT: it vanished between two calls; the next read sees the new state.
      if (errorCode(e) !== 'ENOENT') warnOnce(file, e, warnings);
    }
    return this.toEntries(file, lines);
  }

  /** Whether the followed file was truncated in place since the last read (see the header). */
  private async truncatedSinceLastRead(file: TrackedFile, held: Stats): Promise<boolean> {
    const copy = await copyStateOf(`${file.path}.1`);
    const copyIsNew = !sameCopyState(copy, file.copySeen);
    file.copySeen = copy;
    if (held.size < file.offset) return true;
    if (file.fingerprint.length > 0) {
      const now = await readRange(file.handle!, file.offset - file.fingerprint.length, file.fingerprint.length);
      return !now.equals(file.fingerprint);
    }
    return file.offset === 0 && copyIsNew && copy !== null && copy.size > 0 && !sameFile(copy, identityOf(held));
  }

  /** Complete lines between the file's offset and `size`, within the byte bound. */
  private async readGrowth(file: TrackedFile, size: number, warnings: string[]): Promise<string[]> {
    const window = readWindow({ offset: file.offset, size, maxBytes: this.maxBytes });
    if (window.length === 0) return [];
    const bytes = await readRange(file.handle!, window.position, window.length);
    file.offset = window.position + bytes.length;
    file.fingerprint = Buffer.from(
      (window.skipped > 0 ? bytes : Buffer.concat([file.fingerprint, bytes])).subarray(-FINGERPRINT_BYTES),
    );
    return this.split(file, bytes, window, warnings);
  }

  private async readCopyTail(file: TrackedFile, warnings: string[]): Promise<string[]> {
    const copy = await unreadTailOfCopy({
      copyPath: `${file.path}.1`,
      offset: file.offset,
      fingerprint: file.fingerprint,
      maxBytes: this.maxBytes,
    });
    return copy ? this.split(file, copy.bytes, copy.window, warnings) : [];
  }

  private split(file: TrackedFile, bytes: Buffer, window: ReadWindow, warnings: string[]): string[] {
    if (window.skipped === 0) return file.lines.push(bytes);
    warnings.push(skippedWarning({ file: file.path, skipped: window.skipped, maxBytes: this.maxBytes }));
    return file.lines.pushAfterCut(bytes);
  }

  private toEntries(file: TrackedFile, lines: string[]): LogEntry[] {
    if (lines.length === 0) return [];
    const { records, state } = groupAppLogLines(lines, file.grouping);
    file.grouping = state;
    return records.map((r) => ({
      source: 'log' as const,
      file: file.path,
      text: r.text,
      ...(r.requestPath !== undefined ? { requestPath: r.requestPath } : {}),
    }));
  }
}

/** The state of one file at start: its size and identity now, held open when readable. */
async function track(path: string, maxBytes: number, warnings: string[]): Promise<TrackedFile> {
  const file: TrackedFile = {
    path,
    handle: null,
    identity: null,
    offset: 0,
    fingerprint: Buffer.alloc(0),
    lines: new LineSplitter(maxBytes),
    grouping: INITIAL_APP_LOG_STATE,
    problem: null,
    copySeen: await copyStateOf(`${path}.1`),
  };
  try {
    const st = await stat(path);
    file.identity = identityOf(st);
    file.offset = st.size;
    await openFollowed(file, st);
    const length = Math.min(FINGERPRINT_BYTES, file.offset);
    file.fingerprint = await readRange(file.handle!, file.offset - length, length);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') warnOnce(file, e, warnings);
  }
  return file;
}

/**
 * Opens the file at `path` (whose `stat` is `st`) and follows it; a different file than the one
 * remembered is read from 0. Only regular files: opening a FIFO would block until a writer came.
 */
async function openFollowed(file: TrackedFile, st: Stats): Promise<void> {
  if (!st.isFile()) throw notAFile();
  // O_NONBLOCK: if the path was swapped for a FIFO between stat and open, open returns at once
  // instead of waiting for a writer, and the fstat below refuses it. No effect on regular files.
  const handle = await open(file.path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw notAFile();
    const id = identityOf(opened);
    if (!file.identity || !sameFile(file.identity, id)) {
      file.offset = 0;
      file.fingerprint = Buffer.alloc(0);
    }
    file.identity = id;
    file.handle = handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

const notAFile = () => Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTFILE: 'not a regular file',
  ENOTDIR: 'a parent of it is not a directory',
  ELOOP: 'too many symbolic links',
};

function warnOnce(file: TrackedFile, e: unknown, warnings: string[]): void {
  const code = errorCode(e) ?? 'error';
  if (file.problem === code) return;
  file.problem = code;
  const reason = REASONS[code] ?? (e instanceof Error ? e.message : String(e));
  warnings.push(`cannot read log file ${file.path}: ${reason} (${code}); its new lines are not read until this is fixed`);
}
