import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import t from 'tap';
import { latestMigrations, migrationName, owningApp, writeDjangoMigrations } from '../../src/migrations/django.js';
import type { RepairRecord } from '../../src/repair/types.js';
import { greenRun, moveAction, stuckRun } from '../report/fixtures.js';
import { pyCompile, readMigration } from './python.js';

const NOW = new Date('2026-11-23T22:10:07Z');
const applied = greenRun.rounds.flatMap((r) => r.repairs); // about_item, stream_config, left_at, badge

/** A Django project's app folders: `<app>/migrations/` with `__init__.py` and the given files. */
async function project(t: { teardown(fn: () => unknown): void }, apps: Record<string, string[]>) {
  const root = await mkdtemp(join(tmpdir(), 'smoke-fix-django-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const folders: Record<string, string> = {};
  for (const [app, files] of Object.entries(apps)) {
    const dir = join(root, app, 'migrations');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '__init__.py'), '');
    for (const f of files) await writeFile(join(dir, f), `# ${f}\n`);
    folders[app] = dir;
  }
  return folders;
}

t.test('one migration per app, numbered after the latest, depending on it', async (t) => {
  const apps = await project(t, {
    user: ['0001_initial.py', '0002_email_unique.py'],
    user_profile: ['0001_initial.py', '0005_about.py', '0006_profile_badges.py', 'README.md'],
    teams: ['0001_initial.py', '0002_membership.py'],
  });
  const result = await writeDjangoMigrations({ records: applied, apps, now: NOW });
  t.same(result.skipped, []);
  t.same(result.written.map((p) => basename(p)).sort(), [
    '0003_smoke_fix_repair_20261123_2210.py',
    '0007_smoke_fix_repair_20261123_2210.py',
  ]);
  t.same(await readdir(apps.user!), ['0001_initial.py', '0002_email_unique.py', '__init__.py'], 'app "user" got nothing');

  const profile = await readMigration(join(apps.user_profile!, '0007_smoke_fix_repair_20261123_2210.py'));
  t.same(profile.dependencies, [['user_profile', '0006_profile_badges']]);
  t.equal(profile.operations.length, 3, 'about_item, stream_config and badge: longest prefix wins over "user"');
  t.match(profile.operations[0]!.sql, '"user_profile_about_item" SET SCHEMA "public"');
  t.match(profile.operations[2]!.sql, '"user_profile_badge" SET SCHEMA "public"');

  const teams = await readMigration(join(apps.teams!, '0003_smoke_fix_repair_20261123_2210.py'));
  t.same(teams.dependencies, [['teams', '0002_membership']]);
  t.match(teams.operations[0]!.sql, 'ADD COLUMN "left_at"');
  for (const file of result.written) await pyCompile(file);
});

t.test('two leaf migrations of the same number: depend on both', async (t) => {
  const apps = await project(t, { teams: ['0001_initial.py', '0002_membership_role.py', '0002_team_slug.py'] });
  const result = await writeDjangoMigrations({ records: [applied[2]!], apps, now: NOW });
  const facts = await readMigration(result.written[0]!);
  t.equal(basename(result.written[0]!), '0003_smoke_fix_repair_20261123_2210.py');
  t.same(facts.dependencies, [['teams', '0002_membership_role'], ['teams', '0002_team_slug']]);
});

t.test('never overwrites: a second run gets the next number', async (t) => {
  const apps = await project(t, { teams: ['0001_initial.py'] });
  const first = await writeDjangoMigrations({ records: [applied[2]!], apps, now: NOW });
  const firstText = await readFile(first.written[0]!, 'utf8');
  const second = await writeDjangoMigrations({ records: [applied[2]!], apps, now: NOW });
  t.equal(basename(second.written[0]!), '0003_smoke_fix_repair_20261123_2210.py');
  t.same((await readMigration(second.written[0]!)).dependencies, [['teams', '0002_smoke_fix_repair_20261123_2210']]);
  t.equal(await readFile(first.written[0]!, 'utf8'), firstText, 'the first file is untouched');
});

t.test('what is not written is reported with a reason', async (t) => {
  const apps = await project(t, { user_profile: ['0001_initial.py'] });
  const orphan: RepairRecord = { ...applied[0]!, action: moveAction('reports_snapshot', 1, 9) };
  const result = await writeDjangoMigrations({
    records: [
      orphan,
      applied[2]!, // teams_membership: no "teams" app configured
      ...stuckRun.rounds[0]!.repairs, // a failed repair: changed nothing, never recorded
      { ...applied[0]!, status: 'planned' },
    ],
    apps: { ...apps, billing: join(apps.user_profile!, '..', '..', 'billing', 'migrations') },
    now: NOW,
  });
  t.same(result.written, [], 'planned and failed repairs are not audit-trail material');
  t.same(result.skipped.map((s) => s.object), ['test_schema.reports_snapshot', 'public.teams_membership.left_at']);
  t.match(result.skipped[0]!.reason, 'no app label in repair.djangoMigrations (user_profile, billing) prefixes table "reports_snapshot"');
});

t.test('a configured migrations folder that does not exist is skipped, not created', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'smoke-fix-django-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const missing = join(root, 'user_profile', 'migrations');
  const result = await writeDjangoMigrations({ records: [applied[0]!], apps: { user_profile: missing }, now: NOW });
  t.same(result.written, []);
  t.match(result.skipped[0]!.reason, `cannot read migrations folder ${missing} of app "user_profile" (ENOENT)`);
  t.same(await readdir(root), []);
});

t.test('helpers: longest prefix, numbering, names', async (t) => {
  t.equal(owningApp('user_profile_about_item', ['user', 'user_profile']), 'user_profile');
  t.equal(owningApp('user_email', ['user', 'user_profile']), 'user');
  t.equal(owningApp('username_history', ['user']), undefined, 'a label must be followed by "_"');
  t.same(latestMigrations(['0009_a.py', '0010_b.py', '__init__.py', '0010_c.py', 'notes.txt', '0011_x.pyc']), {
    number: 10,
    names: ['0010_b', '0010_c'],
  });
  t.same(latestMigrations(['__init__.py']), { number: 0, names: [] });
  t.equal(migrationName(11, NOW), '0011_smoke_fix_repair_20261123_2210');
});
