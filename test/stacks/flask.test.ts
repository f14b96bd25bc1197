/**
 * Flask + SQLAlchemy: the app's own alembic migrations (Flask-Migrate) run with search_path
 * test_schema, then the app is served normally with DEBUG off — a bare 500 page, the error in a log
 * file — behind a Flask-WTF login form (hidden `csrf_token`). `smoke-fix run` logs in through the
 * `form` profile (blocked at first: the users table drifted too), and brings every page back.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { get, rowCounts, reportText, schemaOf } from '../helpers/django-site.js';
import { FLASK_TABLES, flaskUnavailable, migrateAndSeedUnder, serveFlask } from '../helpers/flask-app.js';
import { runSmokeFix, tablesIn } from '../helpers/stack-run.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);
const skip = await flaskUnavailable();
const ALICE_PW = 'flask-Alice-pw-31';

function config(password: string): string {
  return `
baseUrl: \${BASE_URL}
database: { url: \${DATABASE_URL} }
auth:
  member: { type: form, loginPath: /login, username: alice@example.com, password: \${PW} }
endpoints:
  - { name: tags, path: /tags }
  - { name: my notes, path: /notes, auth: member }
logs: [ \${LOG_FILE} ]
repair: { mode: apply, maxRounds: 8 }
`.replace('${PW}', password === ALICE_PW ? '${ALICE_PW}' : '${WRONG_PW}');
}

t.test('Flask app migrated under the wrong search_path goes green through a form login', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await db.exec('CREATE SCHEMA test_schema');
  await migrateAndSeedUnder({ databaseUrl: db.url, schema: 'test_schema', alicePassword: ALICE_PW });
  t.same(await tablesIn(db, 'test_schema'), ['alembic_version', ...FLASK_TABLES], "alembic put every table in test_schema");
  t.same(await tablesIn(db, 'public'), [], 'public has none');
  const rows = await rowCounts(db, { schema: 'test_schema', tables: FLASK_TABLES });
  t.same(rows, { notes: 2, tags: 3, users: 1 });

  const dir = await tempDir(t);
  const logFile = join(dir, 'flask.log');
  await writeFile(logFile, '');
  const app = await serveFlask(t, { databaseUrl: db.url, logFile });
  const before = await get(`${app.url}/tags`);
  t.equal(before.status, 500, '/tags is a server error');
  t.notMatch(before.body, /does not exist/, 'the page itself names nothing (DEBUG off)');

  // A wrong password first: the broken login page is a finding, so the run repairs users, then
  // the refused credentials stop it (exit 3) with the form's fields named.
  const wrong = await runSmokeFix(t, {
    yaml: config('wrong'),
    env: { BASE_URL: app.url, DATABASE_URL: db.url, WRONG_PW: 'not-the-password-9', LOG_FILE: logFile },
  });
  t.equal(wrong.result.exitCode, 3, `a wrong password is exit 3 (${wrong.result.reason})`);
  t.equal(wrong.result.errorCode, 'LOGIN_FAILED');
  t.match(wrong.result.reason, /auth profile "member"/, 'names the profile');
  t.match(wrong.result.reason, /The form has: csrf_token \(hidden\), email, password; sent: csrf_token, email, password/, 'names the fields');
  const wrongText = await reportText(wrong.reportDir);
  t.notOk(wrongText.includes('not-the-password-9'), 'the wrong password is in no report');
  const credits = wrong.result.rounds.flatMap((r) => r.findings.map((f) => (f.source.type === 'body' ? '' : (f.source.request ?? ''))));
  t.ok(credits.includes('login of profile member (POST /login)'), `the broken login POST was a finding credited to the login: ${credits.join(' | ')}`);
  t.ok(wrongText.includes('ALTER TABLE "test_schema"."users" SET SCHEMA "public";'), 'and users was moved before the login was retried');

  const { result, reportDir } = await runSmokeFix(t, {
    yaml: config(ALICE_PW),
    env: { BASE_URL: app.url, DATABASE_URL: db.url, ALICE_PW, LOG_FILE: logFile },
  });
  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0);
  for (const table of FLASK_TABLES) t.equal(await schemaOf(db, table), 'public', `${table} is in public`);
  t.same(await rowCounts(db, { schema: 'public', tables: FLASK_TABLES }), rows, 'every table kept its rows');
  t.equal(await schemaOf(db, 'alembic_version'), 'test_schema', 'alembic_version, which no page needs, is left alone');
  t.same(result.final.map((p) => [p.endpoint, p.status]), [['tags', 200], ['my notes', 200]], 'both pages answer 200, the notes logged in');

  const log = await readFile(logFile, 'utf8');
  t.match(log, /UndefinedTable\) relation "(users|notes|tags)" does not exist/, "the errors came from Flask's log");
  const text = await reportText(reportDir);
  t.notOk(text.includes(ALICE_PW), "alice's password is in no report");
  t.ok(text.includes('ALTER TABLE "test_schema"."notes" SET SCHEMA "public";'), 'the report has the SQL that moved notes');
});
