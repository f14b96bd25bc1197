import { execFile } from 'node:child_process';
import { appendFile, chmod, copyFile, mkdir, mkdtemp, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { LogFileWatcher } from '../../src/logs/file-watcher.js';
import type { LogEntry } from '../../src/logs/types.js';
import { DJANGO_MISSING_TABLE, DJANGO_SERVER_ACCESS } from './fixtures.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

async function logDir(t: Teardown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-logs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function watch(t: Teardown, files: string[], options?: { maxBytesPerRead?: number }) {
  const watcher = await LogFileWatcher.start(files, options);
  t.teardown(() => watcher.close());
  return watcher;
}

const texts = (entries: readonly LogEntry[]) => entries.map((e) => e.text);

/** A log in a fresh folder holding `before`, and a watcher started on it: what the test writes next is new. */
async function watchedLog(t: Teardown, before = '', name = 'app.log'): Promise<{ log: string; watcher: LogFileWatcher }> {
  const log = join(await logDir(t), name);
  await writeFile(log, before);
  return { log, watcher: await watch(t, [log]) };
}

/** The text of each entry the next read returns. */
async function readTexts(watcher: LogFileWatcher): Promise<string[]> {
  return texts((await watcher.readNew()).entries);
}

/** logrotate's copytruncate: the log copied to `<log>.1`, then emptied in place. */
async function copyTruncate(log: string): Promise<void> {
  await copyFile(log, `${log}.1`);
  await truncate(log, 0);
}

t.test('only lines written after start are returned; a partial line completes on the next read', async (t) => {
  const { log, watcher } = await watchedLog(t, 'ERROR app: relation "written_before_start" does not exist\n', 'django.log');

  await appendFile(log, 'ERROR app: relation "first" does not exist\nERROR app: relation "sec');
  const first = await watcher.readNew();
  t.same(texts(first.entries), ['ERROR app: relation "first" does not exist']);
  t.same(first.warnings, []);
  t.equal(first.entries[0]?.source, 'log');
  t.equal(first.entries[0]?.file, log);

  await appendFile(log, 'ond" does not exist\n');
  t.same(await readTexts(watcher), ['ERROR app: relation "second" does not exist']);
  t.same((await watcher.readNew()).entries, [], 'nothing new, nothing returned');
});

t.test('a Django 500 traceback is one entry carrying the request path', async (t) => {
  const { log, watcher } = await watchedLog(t, '', 'django.log');
  await appendFile(log, DJANGO_MISSING_TABLE);
  await appendFile(log, DJANGO_SERVER_ACCESS + '\n');
  const { entries } = await watcher.readNew();
  t.equal(entries.length, 2);
  t.equal(entries[0]?.requestPath, '/@alice/');
  t.equal(entries[0]?.text, DJANGO_MISSING_TABLE.trimEnd());
  t.match(entries[0]?.text, /psycopg2\.errors\.UndefinedTable: relation "user_profile_about_item" does not exist/);
  t.match(entries[0]?.text, /django\.db\.utils\.ProgrammingError: relation "user_profile_about_item" does not exist/);
});

t.test('rotation by rename: the old file’s tail, then the new file from its start', async (t) => {
  const { log, watcher } = await watchedLog(t, 'INFO before start\n');
  await appendFile(log, 'ERROR a\n');
  await rename(log, `${log}.1`);
  // The app still holds the old file until it reopens: this line lands in app.log.1.
  await appendFile(`${log}.1`, 'ERROR b\n');
  await writeFile(log, 'ERROR c\n');
  t.same(await readTexts(watcher), ['ERROR a', 'ERROR b', 'ERROR c']);
  await appendFile(log, 'ERROR d\n');
  t.same(await readTexts(watcher), ['ERROR d'], 'follows the new file from then on');
});

t.test('rotation by delete: what the old file got before it went is still read', async (t) => {
  const { log, watcher } = await watchedLog(t);
  await appendFile(log, 'ERROR a\n');
  await unlink(log);
  t.same(await readTexts(watcher), ['ERROR a']);
  await writeFile(log, 'ERROR b\n');
  t.same(await readTexts(watcher), ['ERROR b']);
});

t.test('copytruncate: the unread tail is taken from the copy, then the log from 0', async (t) => {
  const { log, watcher } = await watchedLog(t, 'INFO before start\n');
  await appendFile(log, 'ERROR a\n');
  t.same(await readTexts(watcher), ['ERROR a']);
  await appendFile(log, 'ERROR b\n');
  await copyTruncate(log);
  await appendFile(log, 'ERROR c\n');
  t.same(await readTexts(watcher), ['ERROR b', 'ERROR c']);
});

t.test('truncated with no copy around: read from the new start', async (t) => {
  const { log, watcher } = await watchedLog(t, 'INFO a long line from before the run started\n');
  await truncate(log, 0);
  await appendFile(log, 'ERROR c\n');
  t.same(await readTexts(watcher), ['ERROR c']);
});

t.test('a stale .1 from an older rotation is not mistaken for the copy', async (t) => {
  const dir = await logDir(t);
  const log = join(dir, 'app.log');
  await writeFile(`${log}.1`, 'ERROR from last week\n'.repeat(10));
  await writeFile(log, 'INFO before start\n');
  const watcher = await watch(t, [log]);
  await truncate(log, 0);
  await appendFile(log, 'ERROR c\n');
  t.same(await readTexts(watcher), ['ERROR c']);
});

t.test('a file missing at start is read in full once it appears', async (t) => {
  const dir = await logDir(t);
  const log = join(dir, 'later.log');
  const watcher = await watch(t, [log]);
  t.same(await watcher.readNew(), { entries: [], warnings: [] }, 'missing is not a problem');
  await writeFile(log, 'ERROR first\nERROR second\n');
  t.same(await readTexts(watcher), ['ERROR first', 'ERROR second']);
});

t.test('a path that is a directory gives one warning, then silence', async (t) => {
  const dir = await logDir(t);
  const notALog = join(dir, 'logs');
  await mkdir(notALog);
  const watcher = await watch(t, [notALog]);
  const first = await watcher.readNew();
  t.same(first.entries, []);
  t.equal(first.warnings.length, 1);
  t.match(first.warnings[0], `cannot read log file ${notALog}: not a regular file`);
  t.same(await watcher.readNew(), { entries: [], warnings: [] });
});

t.test('a file the user may not read gives one warning, never a crash', async (t) => {
  const dir = await logDir(t);
  await chmod(dir, 0o755);
  const log = join(dir, 'secret.log');
  await writeFile(log, 'ERROR x\n');
  await chmod(log, 0o000);
  // Root reads anything: run the watcher as `nobody` so the kernel really refuses.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const moduleUrl = new URL('../../src/logs/file-watcher.js', import.meta.url).href;
  const script = `
    const { LogFileWatcher } = await import(${JSON.stringify(moduleUrl)});
    const w = await LogFileWatcher.start([process.argv[1]]);
    const reads = [await w.readNew(), await w.readNew()];
    await w.close();
    process.stdout.write(JSON.stringify(reads));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, log], {
    ...asNobody,
    cwd: dir,
  });
  const [first, second] = JSON.parse(stdout) as Array<{ entries: LogEntry[]; warnings: string[] }>;
  t.same(first?.entries, []);
  t.same(first?.warnings, [
    `cannot read log file ${log}: permission denied (EACCES); its new lines are not read until this is fixed`,
  ]);
  t.same(second, { entries: [], warnings: [] }, 'warned once');
});

t.test('more than the byte bound since the last read: the newest whole lines, and a warning', async (t) => {
  const dir = await logDir(t);
  const log = join(dir, 'busy.log');
  await writeFile(log, '');
  const watcher = await watch(t, [log], { maxBytesPerRead: 64 });
  const lines = Array.from({ length: 20 }, (_, i) => `INFO line ${String(i).padStart(2, '0')}`); // 13 bytes with its newline
  await appendFile(log, lines.join('\n') + '\n');
  const { entries, warnings } = await watcher.readNew();
  t.same(texts(entries), lines.slice(-4), 'the last 64 bytes hold 4 whole lines (and a cut one, dropped)');
  t.equal(warnings.length, 1);
  t.match(warnings[0], /busy\.log: 196 B of log written since the last read were skipped; only the newest 64 B were read/);
});

t.test('several files: each read on its own', async (t) => {
  const dir = await logDir(t);
  const a = join(dir, 'a.log');
  const b = join(dir, 'b.log');
  await writeFile(a, '');
  await writeFile(b, '');
  const watcher = await watch(t, [a, b]);
  await appendFile(b, 'ERROR in b\n');
  await appendFile(a, 'ERROR in a\n');
  const { entries } = await watcher.readNew();
  t.same(
    entries.map((e) => [e.file, e.text]),
    [
      [a, 'ERROR in a'],
      [b, 'ERROR in b'],
    ],
  );
});

// copytruncate as logrotate does it, in the shapes that used to lose lines (issue 9).

t.test('copytruncate of a log that was empty at start: the copy is read from its start', async (t) => {
  const { log, watcher } = await watchedLog(t);
  await appendFile(log, 'ERROR a\n');
  await copyTruncate(log);
  await appendFile(log, 'ERROR b\n');
  t.same(await readTexts(watcher), ['ERROR a', 'ERROR b']);
});

t.test('truncated and refilled past the old offset between two reads: nothing lost, nothing twice', async (t) => {
  const { log, watcher } = await watchedLog(t, 'INFO before start\n');
  await appendFile(log, 'ERROR a\n');
  t.same(await readTexts(watcher), ['ERROR a']);
  await appendFile(log, 'ERROR b\n');
  await copyTruncate(log);
  await appendFile(log, 'ERROR c, a line long enough to end past the offset the watcher had reached\n');
  t.same(await readTexts(watcher), ['ERROR b', 'ERROR c, a line long enough to end past the offset the watcher had reached']);
});

t.test('two rotations in one run, rename then copytruncate: every line once', async (t) => {
  const { log, watcher } = await watchedLog(t, 'INFO before start\n');
  await appendFile(log, 'ERROR a\n');
  await rename(log, `${log}.1`);
  await writeFile(log, 'ERROR b\n');
  t.same(await readTexts(watcher), ['ERROR a', 'ERROR b']);
  await appendFile(log, 'ERROR c\n');
  await rename(`${log}.1`, `${log}.2`);
  await copyTruncate(log);
  await appendFile(log, 'ERROR d, again longer than what the log held before it was truncated\n');
  t.same(await readTexts(watcher), ['ERROR c', 'ERROR d, again longer than what the log held before it was truncated']);
  await appendFile(log, 'ERROR e\n');
  t.same(await readTexts(watcher), ['ERROR e']);
});
