/**
 * The reproduction itself, before smoke-fix touches anything: real Django migrations run with the
 * wrong search_path leave the site broken exactly as in the incident. If this file fails, the
 * end-to-end tests in django.test.ts prove nothing.
 */
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  createUsers,
  get,
  schemaOf,
  djangoUnavailable,
  migrateWithColumnDrift,
  migrateWithDrift,
  OWN_TABLES,
  seedSite,
  startDjangoServer,
  USERS,
} from '../helpers/django-site.js';


stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();

t.test('own-app migrations run with search_path test_schema: tables there, marked applied in public', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: ['user_profile', 'teams'] });
  await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
  const rows = await seedSite({ databaseUrl: db.url });

  for (const table of [...OWN_TABLES.user_profile, ...OWN_TABLES.teams]) {
    t.equal(await schemaOf(db, table), 'test_schema', `${table} was created in test_schema`);
  }
  t.equal(await schemaOf(db, 'auth_user'), 'public', 'auth_user is in public');
  t.equal(await schemaOf(db, 'django_migrations'), 'public', 'django_migrations is in public');
  const applied = await db.query<{ app: string; name: string }>(
    `SELECT app, name FROM public.django_migrations WHERE app IN ('user_profile', 'teams') ORDER BY app, name`,
  );
  t.same(
    applied.map((r) => `${r.app}.${r.name}`),
    ['teams.0001_initial', 'teams.0002_membership_left_at', 'user_profile.0001_initial'],
    'django_migrations says every own migration is applied',
  );
  t.same(rows, { user_profile_about_item: 2, user_profile_stream_config: 1, user_profile_link: 2, teams_team: 1, teams_membership: 2 });

  const server = await startDjangoServer({ databaseUrl: db.url, debug: true });
  t.teardown(() => server.stop());
  const profile = await get(`${server.url}/@alice/`);
  t.equal(profile.status, 500, '/@alice/ is a server error');
  t.match(profile.body, /relation &quot;user_profile_about_item&quot; does not exist/, 'the debug page names the first missing table');
  const teams = await get(`${server.url}/teams/`);
  t.equal(teams.status, 500, '/teams/ is a server error');
  t.match(teams.body, /relation &quot;teams_membership&quot; does not exist/);
  t.equal((await get(`${server.url}/healthz`)).status, 200, '/healthz does not touch the database');
});

t.test('0002 run with search_path test_schema over a stale copy: the column is only in the copy', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithColumnDrift({
    databaseUrl: db.url,
    migration: 'teams.0002_membership_left_at',
    staleCopies: ['teams_membership'],
  });
  const columns = (schema: string) =>
    db
      .query<{ attname: string }>(
        `SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
        [`${schema}.teams_membership`],
      )
      .then((rows) => rows.map((r) => r.attname));
  t.notOk((await columns('public')).includes('left_at'), 'public.teams_membership lacks left_at');
  t.ok((await columns('test_schema')).includes('left_at'), 'the stale copy in test_schema has left_at');
  const [mark] = await db.query(`SELECT 1 FROM public.django_migrations WHERE app = 'teams' AND name = '0002_membership_left_at'`);
  t.ok(mark, 'django_migrations says 0002 is applied');

  const server = await startDjangoServer({ databaseUrl: db.url, debug: false });
  t.teardown(() => server.stop());
  const teams = await get(`${server.url}/teams/`);
  t.equal(teams.status, 500, '/teams/ is a server error');
  t.match(teams.body, /Server Error \(500\)/, 'DEBUG=False shows only the bare error page');
  t.notMatch(teams.body, /left_at/, 'nothing about the column in the page');
});
