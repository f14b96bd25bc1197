/**
 * The run journal's write-ahead record, against a real PostgreSQL and psql: from the moment a
 * change starts, rollback.sql already undoes it if (and only if) it commits, so a `kill -9`
 * between COMMIT and the block in repair.sql cannot leave a committed change without its undo.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { RunJournal } from '../../src/report/journal.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { DRIFT_SQL } from './drift.js';
import { greenRun } from './fixtures.js';

stopSharedServerAtEnd(t);
const run = promisify(execFile);

/** The fixture's first repair: `ALTER TABLE "test_schema"."user_profile_about_item" SET SCHEMA "public";` */
const move = greenRun.rounds[0]!.repairs[0]!;

t.test('a change that is starting has its guarded undo in rollback.sql before it runs', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  const parent = await tempDir(t);
  const journal = await RunJournal.open({
    parent,
    name: 'run-running',
    header: { startedAt: new Date().toISOString(), database: 'postgres://***@db/app', targetSchema: 'public', sourceSchemas: ['test_schema'] },
  });
  await journal.intend(1, move.action, new Date());
  const rollback = join(journal.dir, 'rollback.sql');
  const repair = await readFile(join(journal.dir, 'repair.sql'), 'utf8');
  t.match(repair, /starting the repair for .*: ALTER TABLE "test_schema"\."user_profile_about_item" SET SCHEMA "public"; If no block/, 'repair.sql names the exact statement before it runs');

  const whereIs = async () => (await db.query<{ s: string }>(`SELECT relnamespace::regnamespace::text AS s FROM pg_class WHERE relname = 'user_profile_about_item'`)).map((r) => r.s);
  // Died before COMMIT: the undo does nothing.
  await run('psql', ['--no-psqlrc', '--quiet', '-d', db.url, '-f', rollback]);
  t.same(await whereIs(), ['test_schema'], 'run before the change committed, rollback.sql changes nothing');
  // Died after COMMIT, before the block: the undo puts it back.
  await db.exec(move.action.sql);
  t.same(await whereIs(), ['public']);
  await run('psql', ['--no-psqlrc', '--quiet', '-d', db.url, '-f', rollback]);
  t.same(await whereIs(), ['test_schema'], 'run after the change committed, rollback.sql undoes it');

  // Rolled back: the guarded entry is gone again.
  await journal.rolledBack(1, { ...move, status: 'failed' });
  t.notMatch(await readFile(rollback, 'utf8'), /under way/, 'a change that rolled back leaves no undo behind');
});
