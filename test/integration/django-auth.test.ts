/**
 * smoke-fix logging in to a REAL Django site: a member through the site's LoginView, the
 * superuser through the admin's login form; refused credentials are an environment error, not
 * drift; and a login page broken by the drift itself (auth_user, django_session) is repaired.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import {
  createUsers,
  djangoUnavailable,
  migrateWithDrift,
  moveTablesToSourceSchema,
  OWN_TABLES,
  reportText,
  rowCounts,
  runCase,
  schemaOf,
  seedSite,
  serveSite,
  tempDir,
  USERS,
} from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();

/** The logged-in case: a member and a superuser profile, with the users' passwords from env. */
function runLoggedIn(t: Parameters<typeof runCase>[0], input: { siteUrl: string; databaseUrl: string; alicePassword?: string }) {
  return runCase(t, {
    name: 'logged-in',
    env: {
      BASE_URL: input.siteUrl,
      DATABASE_URL: input.databaseUrl,
      ALICE_PASSWORD: input.alicePassword ?? USERS.alice.password,
      ROOT_PASSWORD: USERS.root.password,
    },
  });
}

t.test('member and admin sessions reach their pages once the drift is repaired', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  // admin too: the admin index reads django_admin_log, so both endpoints need a repair.
  await migrateWithDrift({ databaseUrl: db.url, driftApps: ['user_profile', 'teams', 'admin'] });
  await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
  const rows = await seedSite({ databaseUrl: db.url });
  const site = await serveSite(t, { databaseUrl: db.url, debug: true });

  const { result, reportDir } = await runLoggedIn(t, { siteUrl: site.url, databaseUrl: db.url });

  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');
  t.same(
    result.final.map((p) => [p.endpoint, p.status]),
    [['settings', 200], ['admin', 200]],
    'the settings page and the admin index answer 200 in the final pass',
  );
  t.equal(await schemaOf(db, 'user_profile_stream_config'), 'public', 'the settings page\'s table is in public');
  t.equal(await schemaOf(db, 'django_admin_log'), 'public', 'the admin index\'s table is in public');
  t.same(
    await rowCounts(db, { schema: 'public', tables: ['user_profile_stream_config'] }),
    { user_profile_stream_config: rows.user_profile_stream_config },
    'it kept its rows',
  );
  const text = await reportText(reportDir!);
  t.notOk(text.includes(USERS.alice.password), 'alice\'s password is in no report');
  t.notOk(text.includes(USERS.root.password), 'root\'s password is in no report');
});

t.test('a refused password is an environment error naming the profile, and nothing is moved', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: ['user_profile', 'teams'] });
  await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
  const site = await serveSite(t, { databaseUrl: db.url, debug: true });
  const wrong = `not-${USERS.alice.password}`;

  const { result, reportDir } = await runLoggedIn(t, { siteUrl: site.url, databaseUrl: db.url, alicePassword: wrong });

  t.equal(result.outcome, 'environment-error', `outcome (${result.reason})`);
  t.equal(result.exitCode, 3, 'exit code 3');
  t.match(result.reason, /"member"/, 'the reason names the profile');
  t.notOk(result.reason.includes(wrong), 'the reason does not repeat the password');
  t.notOk((await reportText(reportDir!)).includes(wrong), 'the password is in no report');
  for (const table of OWN_TABLES.user_profile) t.equal(await schemaOf(db, table), 'test_schema', `${table} was not touched`);
});

t.test('a login page broken by the drift (auth_user, django_session) is repaired, then the login succeeds', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: [] });
  await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
  await seedSite({ databaseUrl: db.url });
  // The users exist; now the tables every login needs sit in test_schema, as after the incident.
  await moveTablesToSourceSchema({ databaseUrl: db.url, tables: ['auth_user', 'django_session'] });
  const site = await serveSite(t, { databaseUrl: db.url, debug: true });

  const { result, reportDir } = await runLoggedIn(t, { siteUrl: site.url, databaseUrl: db.url });

  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0, 'exit code 0');
  t.equal(await schemaOf(db, 'auth_user'), 'public', 'auth_user is back in public');
  t.equal(await schemaOf(db, 'django_session'), 'public', 'django_session is back in public');
  const users = await db.query<{ username: string }>('SELECT username FROM public.auth_user ORDER BY username');
  t.same(users.map((u) => u.username), ['alice', 'root'], 'both users are still there');
  const [sessions] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.django_session');
  t.ok(sessions!.n >= 2, 'both profiles hold a session now');
  const md = await readFile(join(reportDir!, 'report.md'), 'utf8');
  t.ok(md.includes('ALTER TABLE "test_schema"."auth_user" SET SCHEMA "public";'), 'report.md has the SQL that moved auth_user');
  t.ok(md.includes('ALTER TABLE "test_schema"."django_session" SET SCHEMA "public";'), 'report.md has the SQL that moved django_session');
});

for (const logRequestId of [false, true]) {
  t.test(
    `DEBUG=False, a login broken by the drift seen only in the log${logRequestId ? ' (which records request ids)' : ''}: credited to each profile's login, repaired`,
    { skip },
    async (t) => {
      const db = await createTestDatabase(t);
      await migrateWithDrift({ databaseUrl: db.url, driftApps: [] });
      await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
      await moveTablesToSourceSchema({ databaseUrl: db.url, tables: ['auth_user', 'django_session'] });
      const dir = await tempDir(t);
      const logFile = join(dir, 'django.log');
      await writeFile(logFile, '');
      const site = await serveSite(t, { databaseUrl: db.url, debug: false, logFile, logRequestId });

      const { result, reportDir } = await runCase(t, {
        name: 'logged-in-logs',
        env: { BASE_URL: site.url, DATABASE_URL: db.url, ALICE_PASSWORD: USERS.alice.password, ROOT_PASSWORD: USERS.root.password, DJANGO_LOG_FILE: logFile },
      });

      t.equal(result.outcome, 'green', `outcome (${result.reason})`);
      t.equal(await schemaOf(db, 'auth_user'), 'public', 'auth_user is back in public');
      t.equal(await schemaOf(db, 'django_session'), 'public', 'django_session is back in public');
      const log = await readFile(logFile, 'utf8');
      t.match(log, 'Internal Server Error: /accounts/login/', 'the site logged its failing login POST');
      if (logRequestId) t.match(log, /\[request_id=sf-[0-9a-f]+-\d+\]/, 'with smoke-fix\'s request id');
      const first = result.rounds[0]!.findings.find((f) => f.finding.kind === 'missing-relation' && f.finding.name === 'auth_user');
      t.ok(first, 'auth_user was found in round 1');
      t.equal(first!.source.type, 'log', 'in the log');
      const credits = result.rounds.flatMap((r) => r.findings.map((f) => (f.source.type === 'body' ? '' : (f.source.request ?? ''))));
      t.ok(credits.includes('login of profile member (POST /accounts/login/)'), `credited to the member's login: ${credits.join(' | ')}`);
      t.ok(credits.every((c) => c === '' || c.startsWith('login of profile')), 'and never to whichever endpoint was probed next');
      const md = await readFile(join(reportDir!, 'report.md'), 'utf8');
      t.ok(md.replace(/\s+/g, ' ').includes('for login of profile member (POST /accounts/login/)'), 'report.md names the login');
    },
  );
}
