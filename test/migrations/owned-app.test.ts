/**
 * `repair.djangoMigrationsApp`: one file in the owned app, depending on that app's latest migration
 * and on each repaired app's latest applied one; read back by Python itself.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { writeOwnedAppMigration } from '../../src/migrations/owned-app.js';
import { tempDir } from '../helpers/temp.js';
import { greenRun } from '../report/fixtures.js';
import { readMigration } from './python.js';

const records = greenRun.rounds.flatMap((r) => r.repairs);
const NOW = new Date('2026-11-23T22:10:07Z');
const latestApplied = new Map([['user_profile', '0007_badge'], ['teams', '0003_membership'], ['repairs', '0002_second'], ['unrelated', '0001_initial']]);

t.test('the next number in the owned app, after its own latest and each repaired app\'s latest applied migration', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, '0001_initial.py'), '');
  await writeFile(join(dir, '0002_second.py'), '');
  await writeFile(join(dir, '__init__.py'), '');
  const out = await writeOwnedAppMigration({ records, app: 'repairs', dir, latestApplied, now: NOW });
  t.same(out, { written: [join(dir, '0003_smoke_fix_repair_20261123_2210.py')], skipped: [] });
  const facts = await readMigration(out.written[0]!);
  t.same(facts.dependencies, [['repairs', '0002_second'], ['teams', '0003_membership'], ['user_profile', '0007_badge']], 'not the unrelated app');
  t.equal(facts.operations.length, records.filter((r) => r.status === 'applied').length, 'one operation per applied repair');
});

t.test('nothing applied: no file; an unreadable folder: every repair skipped with the reason', async (t) => {
  const dir = await tempDir(t);
  const planned = records.map((r) => ({ ...r, status: 'planned' as const }));
  t.same(await writeOwnedAppMigration({ records: planned, app: 'repairs', dir, latestApplied, now: NOW }), { written: [], skipped: [] });
  t.same(await readdir(dir), []);
  const missing = join(dir, 'nope');
  const out = await writeOwnedAppMigration({ records, app: 'repairs', dir: missing, latestApplied, now: NOW });
  t.same(out.written, []);
  t.ok(out.skipped.length > 0);
  for (const s of out.skipped) t.equal(s.reason, `cannot read migrations folder ${missing} of app "repairs" (repair.djangoMigrationsApp) (ENOENT)`);
});

t.test('a second run writes the next number beside the first, which stays as it was', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, '0001_initial.py'), '');
  const first = await writeOwnedAppMigration({ records, app: 'repairs', dir, latestApplied, now: NOW });
  t.equal(first.written.length, 1);
  const second = await writeOwnedAppMigration({ records, app: 'repairs', dir, latestApplied, now: NOW });
  t.match(second.written[0], /0003_smoke_fix_repair_20261123_2210\.py$/);
  t.same((await readdir(dir)).sort(), ['0001_initial.py', '0002_smoke_fix_repair_20261123_2210.py', '0003_smoke_fix_repair_20261123_2210.py']);
});
