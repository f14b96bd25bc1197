/**
 * Reading the real fixture site's migration history through its own manage.py, in one process:
 * what was applied, in order, with the SQL sqlmigrate would print; what was not applied is absent;
 * every way it can fail says what to fix; and nothing it does changes the database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { DjangoHistoryConfig } from '../../src/config/types.js';
import { freePort } from '../../src/embedded/postgres.js';
import { readDjangoHistory } from '../../src/history/django/index.js';
import type { AppliedMigration, MigrationHistory } from '../../src/history/types.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  copySite,
  DJANGO_SITE_DIR,
  djangoEnv,
  djangoUnavailable,
  manage,
  migrateUpTo,
  migrateWithDrift,
  PYTHON,
  SOURCE_SCHEMA,
} from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();

/** The fixture's settings read DB_* variables: what `history.django.env` would hold for it. */
function settingsFor(databaseUrl: string, extra: Partial<DjangoHistoryConfig> = {}): DjangoHistoryConfig {
  const env = djangoEnv({ databaseUrl });
  const configured: Record<string, string> = {};
  for (const key of ['DB_NAME', 'DB_USER', 'DB_PASSWORD', 'DB_HOST', 'DB_PORT']) configured[key] = env[key] ?? '';
  return { manage: [PYTHON, 'manage.py'], cwd: DJANGO_SITE_DIR, env: configured, readTimeoutMs: 120_000, ...extra };
}

function migration(history: MigrationHistory, id: string): AppliedMigration {
  const found = history.migrations.find((m) => m.id === id);
  if (!found) throw new Error(`${id} is not in the history: ${history.migrations.map((m) => m.id).join(', ')}`);
  return found;
}

const ids = (history: MigrationHistory): string[] => history.migrations.map((m) => m.id);
const before = (history: MigrationHistory, a: string, b: string): boolean => ids(history).indexOf(a) < ids(history).indexOf(b);

t.test('a migrated site: every applied migration, in graph order, with the SQL sqlmigrate prints', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: [] });
  const recorded = await db.query<{ id: string; applied: Date }>(`SELECT app || '.' || name AS id, applied FROM django_migrations`);
  const snapshot = await catalogSnapshot(db.url);

  const history = await readDjangoHistory(settingsFor(db.url));

  t.equal(history.source, 'django');
  t.same(ids(history).slice().sort(), recorded.map((r) => r.id).sort(), 'exactly the migrations django_migrations records');
  t.ok(history.migrations.length >= 25, `${history.migrations.length} migrations`);
  t.same(history.warnings, [], 'nothing unapplied, nothing missing from disk');
  for (const [a, b] of [
    ['contenttypes.0001_initial', 'auth.0001_initial'],
    ['auth.0001_initial', 'user_profile.0001_initial'],
    ['catalog.0001_initial', 'catalog.0002_seed_sections'],
    ['catalog.0002_seed_sections', 'catalog.0003_section_position'],
    ['catalog.0003_section_position', 'catalog.0004_rename_item_product'],
    ['catalog.0004_rename_item_product', 'catalog.0005_rebuild_price'],
    ['teams.0001_initial', 'teams.0002_membership_left_at'],
  ] as const) {
    t.ok(before(history, a, b), `${a} comes before ${b}`);
  }
  const stamp = recorded.find((r) => r.id === 'catalog.0003_section_position')!.applied;
  t.equal(new Date(migration(history, 'catalog.0003_section_position').appliedAt!).getTime(), stamp.getTime(), 'applied timestamp from django_migrations');

  const profile = migration(history, 'user_profile.0001_initial');
  t.equal(profile.app, 'user_profile');
  t.equal(profile.name, '0001_initial');
  t.ok(
    profile.statements.some((s) => /^CREATE TABLE "user_profile_about_item" \("id" serial NOT NULL PRIMARY KEY, .*"user_id" integer NOT NULL\);$/.test(s)),
    'the CREATE TABLE of user_profile_about_item',
  );
  t.ok(profile.statements.some((s) => /^ALTER TABLE "user_profile_about_item" ADD CONSTRAINT "\w+_fk_auth_user_id" FOREIGN KEY \("user_id"\)/.test(s)), 'its foreign key to auth_user');

  const position = migration(history, 'catalog.0003_section_position');
  t.same(position.statements, [
    'ALTER TABLE "catalog_section" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;',
    'ALTER TABLE "catalog_section" ALTER COLUMN "position" DROP DEFAULT;',
  ], 'a NOT NULL column with a default: ADD COLUMN … DEFAULT … NOT NULL, then DROP DEFAULT');

  const seed = migration(history, 'catalog.0002_seed_sections');
  t.same(seed.statements, [], 'RunPython has no SQL');
  t.match(seed.notes, [/^RunPython ignored \(not SQL\)/], 'and is noted');

  const rename = migration(history, 'catalog.0004_rename_item_product');
  t.equal(rename.statements[0], 'ALTER TABLE "catalog_item" RENAME TO "catalog_product";', 'the rename');
  t.ok(rename.statements.some((s) => /^ALTER TABLE "catalog_review" ADD CONSTRAINT "\w+" FOREIGN KEY \("product_id"\) REFERENCES "catalog_product"/.test(s)), 'the foreign keys follow the renamed table');
  t.ok(rename.notes.some((n) => n.startsWith('constraint names of catalog_review read from the live database')), 'names read from the live catalog are said to be so');

  const rebuild = migration(history, 'catalog.0005_rebuild_price');
  t.match(rebuild.statements, [
    /^CREATE TABLE "catalog_price_new" \("id" serial NOT NULL PRIMARY KEY, "product_id" integer NOT NULL, "amount" numeric\(10, 2\) NOT NULL\);$/,
    /^INSERT INTO "catalog_price_new"/,
    /^SELECT setval/,
    'DROP TABLE "catalog_price";',
    'ALTER TABLE "catalog_price_new" RENAME TO "catalog_price";',
    /^ALTER TABLE "catalog_price" ADD CONSTRAINT "catalog_price_product_id_fk_catalog_product_id" FOREIGN KEY/,
    'CREATE INDEX "catalog_price_product_id_idx" ON "catalog_price" ("product_id");',
  ], 'RunSQL kept statement by statement: create new, copy, drop, rename');
  t.equal(rebuild.statements.length, 7);
  t.ok(history.migrations.every((m) => m.statements.every((s) => !/^\s*--/.test(s))), "no entry is one of Django's `--` comment lines");
  t.ok(history.durationMs > 0);
  t.same(await catalogSnapshot(db.url), snapshot, 'the database is unchanged');
});

t.test('unapplied migrations are absent and listed in the warnings', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateUpTo({ databaseUrl: db.url, stopBefore: 'catalog.0004_rename_item_product' });
  const history = await readDjangoHistory(settingsFor(db.url));
  t.ok(ids(history).includes('catalog.0003_section_position'));
  t.notOk(ids(history).includes('catalog.0004_rename_item_product'), '0004 was not applied');
  t.notOk(ids(history).includes('catalog.0005_rebuild_price'), '0005 was not applied');
  t.match(history.warnings, [/^2 migration\(s\) on disk not recorded as applied \(not read\): catalog\.0004_rename_item_product, catalog\.0005_rebuild_price$/]);
});

t.test('a drifted site reads as a healthy one when the source schemas are visible to introspection', { skip }, async (t) => {
  const healthy = await createTestDatabase(t);
  const drifted = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: healthy.url, driftApps: [] });
  await migrateWithDrift({ databaseUrl: drifted.url, driftApps: ['catalog', 'user_profile'] });
  const [{ n }] = (await drifted.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relname = 'catalog_product'`,
    [SOURCE_SCHEMA],
  )) as [{ n: number }];
  t.equal(n, 1, 'the catalog drifted into test_schema');

  const expected = await readDjangoHistory(settingsFor(healthy.url), { introspectSchemas: ['public', SOURCE_SCHEMA] });
  const read = await readDjangoHistory(settingsFor(drifted.url), { introspectSchemas: ['public', SOURCE_SCHEMA] });
  t.same(ids(read), ids(expected), 'the same migrations in the same order');
  for (const m of read.migrations) t.same(m.statements, migration(expected, m.id).statements, `${m.id}: the statements of the healthy site`);

  // Without the source schemas, Django's introspection cannot see the drifted tables: the
  // rename's foreign-key statements disappear, and the note says why.
  const blind = await readDjangoHistory(settingsFor(drifted.url));
  const rename = migration(blind, 'catalog.0004_rename_item_product');
  t.same(rename.statements, ['ALTER TABLE "catalog_item" RENAME TO "catalog_product";']);
  t.match(rename.notes, [/read from the live database, as sqlmigrate does: none found/, /none found/]);
});

t.test('the read is read-only: a migration that writes while SQL is collected changes nothing', { skip }, async (t) => {
  const site = await copySite();
  t.teardown(() => site.remove());
  // An operation that behaves in `migrate` but, while SQL is collected, writes through its own
  // cursor and commits behind Django's back (what a careless custom operation can do).
  await writeFile(
    join(site.dir, 'catalog', 'migrations', '0006_writes_when_collected.py'),
    `from django.db import migrations


class WritesWhenCollected(migrations.operations.base.Operation):
    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.collect_sql:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute('CREATE TABLE public.history_read_wrote (id integer)')
            schema_editor.connection.connection.commit()

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return 'Writes when collected'


class Migration(migrations.Migration):
    dependencies = [('catalog', '0005_rebuild_price')]
    operations = [WritesWhenCollected()]
`,
  );
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: [], siteDir: site.dir });
  const snapshot = await catalogSnapshot(db.url);

  const history = await readDjangoHistory(settingsFor(db.url, { cwd: site.dir }));

  t.same(await catalogSnapshot(db.url), snapshot, 'the catalog is unchanged: no table, no row');
  const writer = migration(history, 'catalog.0006_writes_when_collected');
  t.same(writer.statements, []);
  t.match(writer.notes, [/^SQL not collected \(.*read-only transaction.*\); nothing of this migration is read$/], 'PostgreSQL refused the write');
  t.match(history.warnings, [/^catalog\.0006_writes_when_collected: SQL not collected: .*read-only transaction/]);
  t.ok(migration(history, 'catalog.0005_rebuild_price').statements.length > 0, 'the migrations before it are read');
});

// ---------------------------------------------------------------- failure modes

async function emptyDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-history-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('manage.py missing: exit 2, naming the command and the folder', { skip }, async (t) => {
  const dir = await emptyDir(t);
  const error = await readDjangoHistory(settingsFor('postgres://u:p@127.0.0.1:1/x', { cwd: dir })).catch((e: unknown) => e);
  t.match(error, { code: 'HISTORY_MANAGE_NOT_STARTED', exitCode: 2 });
  t.match((error as Error).message, `\`${PYTHON} manage.py\` in ${dir} did not start`);
  t.match((error as Error).message, /can't open file .*manage\.py/, "the command's own stderr");
});

t.test('an interpreter that does not exist, or a folder that does not: exit 2', { skip }, async (t) => {
  const error = await readDjangoHistory(settingsFor('postgres://u:p@127.0.0.1:1/x', { manage: ['/nonexistent/python3', 'manage.py'] })).catch((e: unknown) => e);
  t.match(error, { code: 'HISTORY_MANAGE_NOT_STARTED', exitCode: 2 });
  t.match((error as Error).message, '`/nonexistent/python3` was not found');
  t.match((error as Error).message, DJANGO_SITE_DIR);
  const noFolder = await readDjangoHistory(settingsFor('postgres://u:p@127.0.0.1:1/x', { cwd: '/nonexistent/site' })).catch((e: unknown) => e);
  t.match(noFolder, { code: 'HISTORY_MANAGE_NOT_STARTED', exitCode: 2 });
  t.match((noFolder as Error).message, 'in /nonexistent/site: the folder does not exist');
});

t.test('settings that raise: exit 2 with the traceback tail, secrets masked', { skip }, async (t) => {
  const dir = await emptyDir(t);
  const secret = 'pw-that-must-not-leak-7f3a';
  await writeFile(join(dir, 'broken_settings.py'), "import os\nraise RuntimeError('settings exploded connecting with ' + os.environ['DB_PASSWORD'])\n");
  const settings = settingsFor(`postgres://app:${secret}@127.0.0.1:1/app`);
  const error = await readDjangoHistory(
    { ...settings, env: { ...settings.env, DJANGO_SETTINGS_MODULE: 'broken_settings', PYTHONPATH: dir } },
    { secrets: [secret] },
  ).catch((e: unknown) => e);
  t.match(error, { code: 'HISTORY_PROJECT_FAILED', exitCode: 2 });
  const message = (error as Error).message;
  t.match(message, 'the Django project failed before it was ready');
  t.match(message, '| RuntimeError: settings exploded connecting with ***', "the project's own last stderr line, masked");
  t.notMatch(message, secret);
});

t.test("a database Django cannot reach: exit 3, in libpq's words", { skip }, async (t) => {
  const port = await freePort();
  const secret = 'unreachable-pw-9c1d';
  const error = await readDjangoHistory(settingsFor(`postgres://app:${secret}@127.0.0.1:${port}/app`), { secrets: [secret] }).catch((e: unknown) => e);
  t.match(error, { code: 'HISTORY_DB_UNREACHABLE', exitCode: 3 });
  t.match((error as Error).message, /Django cannot reach its database .*: .*Connection refused/s);
  t.notMatch((error as Error).message, secret);
});

t.test('a read that hangs is stopped at readTimeoutMs: exit 3', { skip }, async (t) => {
  const dir = await emptyDir(t);
  await writeFile(join(dir, 'slow_settings.py'), 'import time\ntime.sleep(60)\n');
  const settings = settingsFor('postgres://u:p@127.0.0.1:1/x', { readTimeoutMs: 1500 });
  const started = Date.now();
  const error = await readDjangoHistory({ ...settings, env: { ...settings.env, DJANGO_SETTINGS_MODULE: 'slow_settings', PYTHONPATH: dir } }).catch((e: unknown) => e);
  t.match(error, { code: 'HISTORY_TIMEOUT', exitCode: 3 });
  t.match((error as Error).message, 'within 1500 ms (history.django.readTimeoutMs)');
  t.ok(Date.now() - started < 30_000, 'stopped, not waited for');
});

// `manage` as the site would run it by hand, to be sure the fixture itself is healthy.
t.test('the fixture runs `manage.py check` cleanly (its catalog app included)', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  const { stdout, stderr } = await manage({ databaseUrl: db.url, args: ['check'] });
  t.match(stdout + stderr, 'System check identified no issues');
});
