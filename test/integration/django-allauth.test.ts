/**
 * Logging in through a login form that is not Django's default: django-allauth's, whose user name
 * field is `login`. The profile sets no usernameField; smoke-fix reads it from the form.
 */
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { createUsers, djangoUnavailable, migrateWithDrift, runCase, schemaOf, seedSite, serveSite, USERS } from '../helpers/django-site.js';

stopSharedServerAtEnd(t);
const skip = await djangoUnavailable();

async function site(t: Parameters<typeof serveSite>[0]) {
  const db = await createTestDatabase(t);
  await migrateWithDrift({ databaseUrl: db.url, driftApps: ['user_profile'] });
  await createUsers({ databaseUrl: db.url, users: [USERS.alice, USERS.root] });
  await seedSite({ databaseUrl: db.url });
  return { db, server: await serveSite(t, { databaseUrl: db.url, debug: true }) };
}

t.test('a member logs in through allauth\'s form (field `login`) and the page behind it is repaired', { skip }, async (t) => {
  const { db, server } = await site(t);
  const { result } = await runCase(t, {
    name: 'allauth-login',
    env: { BASE_URL: server.url, DATABASE_URL: db.url, ALICE_PASSWORD: USERS.alice.password },
  });
  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.same(result.final.map((p) => [p.endpoint, p.status]), [['settings', 200]], 'the settings page answers 200 to the logged-in member');
  t.equal(await schemaOf(db, 'user_profile_stream_config'), 'public');
});

t.test('a refused allauth login says which fields the form has and which were sent', { skip }, async (t) => {
  const { db, server } = await site(t);
  const wrong = `not-${USERS.alice.password}`;
  const { result } = await runCase(t, {
    name: 'allauth-login',
    env: { BASE_URL: server.url, DATABASE_URL: db.url, ALICE_PASSWORD: wrong },
  });
  t.equal(result.outcome, 'environment-error', `outcome (${result.reason})`);
  t.match(result.reason, /the form has fields csrfmiddlewaretoken, login, password, remember; smoke-fix sent csrfmiddlewaretoken, login, password;/);
  t.notOk(result.reason.includes(wrong), 'the password is not repeated');
  t.equal(await schemaOf(db, 'user_profile_stream_config'), 'test_schema', 'nothing was moved');
});
