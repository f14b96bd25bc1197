/**
 * `repair.djangoMigrationsApp` against the REAL Django site with a packaged app (django-allauth's
 * `account`) drifted beside the site's own apps: one repair migration, written into the app the
 * project owns, depending on the latest applied migration of every repaired app; Django's
 * `migrate` accepts it, `makemigrations --check` stays clean, and it repairs a second copy.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { copySite, createUsers, djangoUnavailable, manage, migrateWithDrift, OWN_TABLES, runCase, schemaOf, seedSite, serveSite, USERS } from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();
const ALLAUTH_MIGRATIONS = '/usr/lib/python3/dist-packages/allauth/account/migrations';
const TABLES = [...OWN_TABLES.user_profile, ...OWN_TABLES.teams, 'account_emailaddress'];

async function driftedDatabase(databaseUrl: string): Promise<void> {
  await migrateWithDrift({ databaseUrl, driftApps: ['user_profile', 'teams', 'account'] });
  await createUsers({ databaseUrl, users: [USERS.alice, USERS.root] });
  await seedSite({ databaseUrl });
}

t.test('every repair migration goes into the owned app, after each repaired app; Django accepts and replays it', { skip }, async (t) => {
  const site = await copySite();
  t.teardown(() => site.remove());
  const allauthBefore = (await readdir(ALLAUTH_MIGRATIONS)).sort();
  const db = await createTestDatabase(t);
  await driftedDatabase(db.url);
  const server = await serveSite(t, { databaseUrl: db.url, debug: true, siteDir: site.dir });

  const { result, migrations } = await runCase(t, {
    name: 'django-migrations-app',
    env: { BASE_URL: server.url, DATABASE_URL: db.url, SITE_DIR: site.dir, ALICE_PASSWORD: USERS.alice.password },
  });
  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(await schemaOf(db, 'account_emailaddress'), 'public', 'allauth\'s table was repaired too');

  t.equal(migrations.length, 1, 'one migration file');
  const file = migrations[0]!;
  t.equal(basename(dirname(dirname(file))), 'teams', 'in the owned app');
  t.match(basename(file), /^0003_smoke_fix_repair_\d{8}_\d{4}\.py$/, 'numbered after the owned app\'s latest');
  t.same((await readdir(ALLAUTH_MIGRATIONS)).sort(), allauthBefore, 'nothing written into allauth\'s folder');
  const text = await readFile(file, 'utf8');
  for (const dep of [`('teams', '0002_membership_left_at')`, `('account', '0002_email_max_length')`, `('user_profile', '0001_initial')`]) {
    t.ok(text.includes(dep), `depends on ${dep}`);
  }

  const name = basename(file, '.py');
  const applied = await manage({ databaseUrl: db.url, siteDir: site.dir, args: ['migrate', '--noinput'] });
  t.match(applied.stdout, `Applying teams.${name}... OK`, 'migrate accepts it on the repaired database');
  const check = await manage({ databaseUrl: db.url, siteDir: site.dir, args: ['makemigrations', '--check', '--dry-run'] });
  t.match(check.stdout, /No changes detected/, 'makemigrations --check stays clean');

  const other = await createTestDatabase(t);
  await driftedDatabase(other.url);
  t.equal(await schemaOf(other, 'account_emailaddress'), 'test_schema', 'second copy starts drifted');
  await manage({ databaseUrl: other.url, siteDir: site.dir, args: ['migrate', '--noinput'], searchPath: 'public' });
  for (const table of TABLES) t.equal(await schemaOf(other, table), 'public', `second copy: ${table} moved by migrate`);
});
