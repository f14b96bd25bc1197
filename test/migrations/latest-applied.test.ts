/** What a repair migration must depend on: each app's last applied migration, from a real django_migrations. */
import t from 'tap';
import pg from 'pg';
import { latestAppliedMigrations } from '../../src/migrations/latest-applied.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);

t.test('the highest id per app, in the schema asked for', async (t) => {
  const db = await createTestDatabase(t);
  // Django's own table; ids grow in the order `migrate` applied them, names need not sort.
  await db.exec(`
    CREATE SCHEMA "App Schema";
    CREATE TABLE "App Schema".django_migrations (id bigserial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL DEFAULT now());
    INSERT INTO "App Schema".django_migrations (app, name) VALUES
      ('shop', '0001_initial'), ('auth', '0001_initial'), ('shop', '0003_zz_late'), ('shop', '0002_aa_later_applied'), ('auth', '0012_alter_user');
  `);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  t.teardown(() => pool.end());
  const latest = await latestAppliedMigrations(pool, 'App Schema');
  t.same(Object.fromEntries(latest), { auth: '0012_alter_user', shop: '0002_aa_later_applied' });
  await t.rejects(latestAppliedMigrations(pool, 'public'), /relation "public.django_migrations" does not exist/);
});
