/**
 * The contract of repair.sql and rollback.sql, checked against a real PostgreSQL with the real
 * psql client: after the repair, rollback.sql restores the catalog exactly as it was; repair.sql
 * then redoes it exactly; and a replay against the wrong state stops at the first error.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { renderRepairSql, renderRollbackSql } from '../../src/report/sql.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { DRIFT_SQL, snapshotCatalog } from './drift.js';
import { greenRun, planRun } from './fixtures.js';

stopSharedServerAtEnd(t);
const run = promisify(execFile);
const PSQL = '/usr/bin/psql';

async function psqlFile(t: { teardown(fn: () => unknown): void }, db: TestDatabase, name: string, text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-sql-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, text);
  // -X: no ~/.psqlrc; the file itself must turn ON_ERROR_STOP on, so it is not passed here.
  return run(PSQL, ['-X', '-q', '-f', file, '-d', db.url]).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

/** Apply the fixture's repairs as the applier did: each statement on its own, in order. */
async function applyFixtureRepairs(db: TestDatabase) {
  for (const round of greenRun.rounds) {
    for (const record of round.repairs) if (record.status === 'applied') await db.exec(record.action.sql);
  }
}

t.test('rollback.sql restores the catalog, repair.sql redoes the repair', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  const before = await snapshotCatalog(db);
  await applyFixtureRepairs(db);
  const after = await snapshotCatalog(db);
  t.notSame(after, before, 'the repair changed the catalog (else the test proves nothing)');
  t.ok(after.relations.includes('public.user_profile_about_item r'), 'about_item is in public after the repair');
  t.ok(after.indexes.some((l) => l.startsWith('public.user_profile_about_item_profile_idx')), 'its index moved with it');

  const rollback = await psqlFile(t, db, 'rollback.sql', renderRollbackSql(greenRun));
  t.equal(rollback.code, 0, `rollback.sql ran cleanly ${rollback.stderr}`);
  t.same(await snapshotCatalog(db), before, 'catalog is exactly as before the repair');
  const rows = await db.query<{ n: string }>('SELECT count(*) AS n FROM test_schema.user_profile_about_item');
  t.equal(rows[0]?.n, '3', 'rows travelled back with the table');

  const repair = await psqlFile(t, db, 'repair.sql', renderRepairSql(greenRun));
  t.equal(repair.code, 0, `repair.sql ran cleanly ${repair.stderr}`);
  t.same(await snapshotCatalog(db), after, 'catalog is exactly as after the repair');
});

t.test('repair.sql replayed on an already repaired database stops at the first error', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  await applyFixtureRepairs(db);
  const after = await snapshotCatalog(db);
  const again = await psqlFile(t, db, 'repair.sql', renderRepairSql(greenRun));
  t.equal(again.code, 3, 'psql exits 3: ON_ERROR_STOP stopped the script');
  t.match(again.stderr, /user_profile_about_item" does not exist/, 'the first statement failed');
  t.same(await snapshotCatalog(db), after, 'nothing after the failing statement ran');
});

t.test('plan-mode repair.sql is the planned SQL; run by hand it makes that repair', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DRIFT_SQL);
  const before = await snapshotCatalog(db);
  const planned = renderRepairSql(planRun);
  t.match(planned, /PLAN MODE\. NOTHING RAN/);
  const result = await psqlFile(t, db, 'repair.sql', planned);
  t.equal(result.code, 0, result.stderr);
  const now = await snapshotCatalog(db);
  t.ok(now.relations.includes('public.user_profile_about_item r'));
  t.notOk(before.relations.includes('public.user_profile_about_item r'));
});
