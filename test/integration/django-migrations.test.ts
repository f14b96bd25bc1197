/**
 * `repair.djangoMigrations` against a REAL Django project: the repair migrations smoke-fix writes
 * are accepted by `manage.py migrate` on the repaired database (a no-op there), leave
 * `makemigrations --check` clean, and repair a second copy of the database with the same drift.
 * The site is copied first: the written files must not land in the fixture.
 */
import { basename, dirname } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  copySite,
  createUsers,
  djangoUnavailable,
  manage,
  migrateWithDrift,
  OWN_TABLES,
  rowCounts,
  runCase,
  schemaOf,
  seedSite,
  serveSite,
  USERS,
} from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();
const TABLES = [...OWN_TABLES.user_profile, ...OWN_TABLES.teams];
const DRIFT_APPS = ['user_profile', 'teams'];

/** The incident's database, migrated with the site as it was then (the fixture, no repair migrations). */
async function driftedDatabase(databaseUrl: string): Promise<Record<string, number>> {
  await migrateWithDrift({ databaseUrl, driftApps: DRIFT_APPS });
  await createUsers({ databaseUrl, users: [USERS.alice, USERS.root] });
  return seedSite({ databaseUrl });
}

t.test('the written repair migrations are accepted by Django and repair another copy', { skip }, async (t) => {
  const site = await copySite();
  t.teardown(() => site.remove());
  const db = await createTestDatabase(t);
  const rows = await driftedDatabase(db.url);
  const server = await serveSite(t, { databaseUrl: db.url, debug: true, siteDir: site.dir });

  const { result, migrations } = await runCase(t, { name: 'django-migrations', env: { BASE_URL: server.url, DATABASE_URL: db.url, SITE_DIR: site.dir } });
  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');

  const written = migrations.map((file) => `${basename(dirname(dirname(file)))}/${basename(file)}`).sort();
  t.equal(written.length, 2, 'two migration files');
  t.match(written, [/^teams\/0003_\w+\.py$/, /^user_profile\/0002_\w+\.py$/], 'one migration per app, numbered after its latest');
  t.ok(migrations.every((file) => file.startsWith(site.dir)), 'written into the copy, not the fixture');

  // On the repaired database: Django applies them (recording the audit trail) and nothing moves.
  const applied = await manage({ databaseUrl: db.url, siteDir: site.dir, args: ['migrate', '--noinput'] });
  for (const file of written) {
    const [app, name] = [dirname(file), basename(file, '.py')];
    t.match(applied.stdout, `Applying ${app}.${name}... OK`, `migrate applied ${app}.${name}`);
  }
  for (const table of TABLES) t.equal(await schemaOf(db, table), 'public', `${table} still in public`);
  t.same(await rowCounts(db, { schema: 'public', tables: TABLES }), rows, 'every row still there');
  const check = await manage({ databaseUrl: db.url, siteDir: site.dir, args: ['makemigrations', '--check', '--dry-run'] });
  t.match(check.stdout, /No changes detected/, 'makemigrations --check finds no model change');

  // A second database with the same drift: a plain `migrate` of the site with the repair migrations fixes it.
  const other = await createTestDatabase(t);
  const otherRows = await driftedDatabase(other.url);
  for (const table of TABLES) t.equal(await schemaOf(other, table), 'test_schema', `second copy: ${table} starts in test_schema`);
  await manage({ databaseUrl: other.url, siteDir: site.dir, args: ['migrate', '--noinput'], searchPath: 'public' });
  for (const table of TABLES) t.equal(await schemaOf(other, table), 'public', `second copy: ${table} moved to public by migrate`);
  t.same(await rowCounts(other, { schema: 'public', tables: TABLES }), otherRows, 'second copy: every row kept');
});
