/**
 * Faults against the record: `kill -9` and SIGTERM mid-run, a report folder that cannot be written
 * before the first change, a disk that fills after it. Whatever happens, every committed change is
 * in repair.sql and rollback.sql, rollback.sql puts the catalog back, and no row is lost.
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { ReportWriteError } from '../../src/errors.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { stopSharedServerAtEnd } from '../helpers/database.js';
import { schemasOf, tableData } from '../helpers/table-data.js';
import { tempDir } from '../helpers/temp.js';
import { holdLock, journaledStatements, pendingStatement, runFolder, scene, smokeFixWaitingForLock, spawnCli, TABLES, waitForJournal } from './fixture.js';

stopSharedServerAtEnd(t);
const run = promisify(execFile);

async function psqlFile(url: string, file: string): Promise<void> {
  await run('psql', ['--no-psqlrc', '--quiet', '-d', url, '-f', file]);
}

t.test('kill -9 right after a COMMIT: repair.sql and rollback.sql hold every committed change, rollback.sql restores the catalog', async (t) => {
  const s = await scene(t, { database: 'lockTimeoutMs: 200\n  lockRetries: 100' });
  const before = await catalogSnapshot(s.db.url);
  const data = await tableData(s.db.url);
  // gamma is locked by someone else: the run commits alpha and beta, then keeps retrying gamma.
  const blocker = await holdLock(t, s.db.url, 'test_schema.t_gamma');
  const cli = spawnCli(t, s.configFile);
  const folder = await waitForJournal(s.reportDir, 1);
  cli.child.kill('SIGKILL');
  const exit = await cli.exited;
  t.equal(exit.signal, 'SIGKILL', 'the process was killed, not finished');
  t.match(folder, /-running$/, 'the folder says the run never finished');

  const where = await schemasOf(s.db.url, TABLES);
  const moved = TABLES.filter((name) => where[name] === 'public');
  t.ok(moved.length >= 1, `at least one change committed before the kill (${moved.join(', ')})`);
  t.equal(where.t_gamma, 'test_schema', 'the locked table never moved');
  // A kill between a COMMIT and its block leaves that change as the last "starting" line, which
  // names its exact statement (and rollback.sql already holds its guarded undo).
  const statements = await journaledStatements(folder);
  const pending = await pendingStatement(folder);
  const recorded = pending !== undefined && moved.length > statements.length ? [...statements, pending] : statements;
  t.same(
    recorded,
    moved.map((name) => `ALTER TABLE "test_schema"."${name}" SET SCHEMA "public";`),
    'repair.sql holds exactly the committed changes, in order',
  );
  const rollback = await readFile(join(folder, 'rollback.sql'), 'utf8');
  t.match(rollback, /RUN IN PROGRESS/);

  await blocker.release();
  t.same(await tableData(s.db.url), data, 'no row lost or changed by the moves');
  await psqlFile(s.db.url, join(folder, 'rollback.sql'));
  t.same(await catalogSnapshot(s.db.url), before, 'rollback.sql restores the catalog exactly');
  t.same(await tableData(s.db.url), data, 'and every row');
});

t.test('SIGTERM while an ALTER waits for its lock: the run stops within 2 s with the report; the ALTER rolled back', async (t) => {
  const s = await scene(t, { database: 'lockTimeoutMs: 30000' });
  const data = await tableData(s.db.url);
  const blocker = await holdLock(t, s.db.url, 'test_schema.t_gamma');
  const cli = spawnCli(t, s.configFile);
  await smokeFixWaitingForLock(s.db.url);
  const signalled = Date.now();
  cli.child.kill('SIGTERM');
  const exit = await cli.exited;
  const took = Date.now() - signalled;
  t.ok(took < 2000, `stopped ${took} ms after SIGTERM`);
  t.equal(exit.code, 3, `exit 3 (interrupted) ${exit.stderr}`);
  const folder = await runFolder(s.reportDir);
  t.match(folder, /-environment-error$/);
  const md = await readFile(join(folder, 'report.md'), 'utf8');
  t.match(md, /Interrupted \(SIGTERM\)/);
  t.same(await journaledStatements(folder), [
    'ALTER TABLE "test_schema"."t_alpha" SET SCHEMA "public";',
    'ALTER TABLE "test_schema"."t_beta" SET SCHEMA "public";',
  ]);
  await blocker.release();
  t.same(await schemasOf(s.db.url, TABLES), { t_alpha: 'public', t_beta: 'public', t_gamma: 'test_schema' }, 'gamma rolled back');
  t.same(await tableData(s.db.url), data, 'no row lost');
});

t.test('a report folder that cannot be created is exit 3 before any change', async (t) => {
  const dir = await tempDir(t, 'smoke-fix-fault-file-');
  const file = join(dir, 'not-a-folder');
  await writeFile(file, 'a regular file');
  const s = await scene(t, { reportDir: join(file, 'reports') });
  const before = await catalogSnapshot(s.db.url);
  const error = await runWithConfig({ config: await s.config() }).catch((e: unknown) => e);
  t.type(error, ReportWriteError);
  t.equal((error as ReportWriteError).exitCode, 3);
  t.match((error as Error).message, /Cannot write the run record under .*not-a-folder\/reports.*ENOTDIR.*Nothing was changed/);
  t.same(await catalogSnapshot(s.db.url), before, 'no DDL ran');

  const cli = spawnCli(t, s.configFile);
  const exit = await cli.exited;
  t.equal(exit.code, 3, 'the CLI exits 3');
  t.match(exit.stderr, /Cannot write the (run record|log file).*not-a-folder/);
  t.same(await catalogSnapshot(s.db.url), before, 'still no DDL');
});

async function tmpfs(dir: string, size: string): Promise<string | false> {
  await mkdir(dir, { recursive: true });
  return run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).then(
    () => false as const,
    (e: { stderr?: string }) => `cannot mount a tmpfs here (${(e.stderr ?? '').trim() || 'mount failed'})`,
  );
}

const fullDir = await mkdtemp(join(tmpdir(), 'smoke-fix-fault-full-'));
const mountPoint = join(fullDir, 'small');
const cannotMount = await tmpfs(mountPoint, '64k');
t.teardown(async () => {
  if (!cannotMount) await run('umount', [mountPoint]).catch(() => {});
  await rm(fullDir, { recursive: true, force: true });
});

t.test('a disk that fills after the first change: that change stays recorded, no further change is made, exit 3', { skip: cannotMount }, async (t) => {
  const s = await scene(t, { reportDir: join(mountPoint, 'reports') });
  const data = await tableData(s.db.url);
  let filled = false;
  const error = await runWithConfig({
    config: await s.config(),
    emit: (event) => {
      // Right after the first change is journaled, the disk fills up.
      if (event.type === 'repair' && !filled) {
        filled = true;
        fillDisk(join(mountPoint, 'filler'));
      }
    },
  }).catch((e: unknown) => e);
  t.ok(filled);
  t.type(error, ReportWriteError, 'the run ends with a report-write error');
  t.equal((error as ReportWriteError).exitCode, 3);
  // Where the disk ran out depends on the slack in the last page of each file: the first write
  // that failed stopped further changes, and every committed change is accounted for.
  const where = await schemasOf(s.db.url, TABLES);
  const moved = TABLES.filter((name) => where[name] === 'public');
  t.ok(moved.length < TABLES.length, `the run stopped making changes (${moved.join(', ')} moved)`);
  const [folder] = (await readdir(join(mountPoint, 'reports'))).map((f) => join(mountPoint, 'reports', f));
  const repairSql = await readFile(join(folder!, 'repair.sql'), 'utf8');
  for (const name of moved) t.match(repairSql, `starting the repair for missing relation "${name}"`, `${name}: its change is in repair.sql`);
  t.match(
    (await journaledStatements(folder!))[0],
    'ALTER TABLE "test_schema"."t_alpha" SET SCHEMA "public";',
    'the change committed before the disk filled is there whole',
  );
  const rollbackSql = await readFile(join(folder!, 'rollback.sql'), 'utf8');
  t.match(rollbackSql, /ALTER TABLE "public"."t_alpha" SET SCHEMA "test_schema";/);
  // Any undo that did not reach rollback.sql is in the message (stderr).
  for (const name of moved) {
    const undo = `ALTER TABLE "public"."${name}" SET SCHEMA "test_schema";`;
    t.ok(rollbackSql.includes(undo) || (error as Error).message.includes(undo), `${name}: its undo is in rollback.sql or in the message`);
  }
  t.same(await tableData(s.db.url), data, 'no row lost');
});

function fillDisk(file: string): void {
  // Synchronous on purpose: the disk is full before the run takes its next step.
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
}
