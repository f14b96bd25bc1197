/**
 * Rails 6.1: the app's own `rails db:migrate` run with `schema_search_path=test_schema`, then the
 * app served normally in development mode, whose error page shows ActiveRecord's
 * `PG::UndefinedTable: ERROR:  relation "x" does not exist`. The orders page needs a login through
 * a Rails form (hidden `authenticity_token`); the `form` profile logs in, success is the session
 * cookie Rails sets.
 */
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { get, reportText, rowCounts, schemaOf } from '../helpers/django-site.js';
import { copyRailsApp, migrateAndSeedUnder, RAILS_TABLES, railsUnavailable, serveRails } from '../helpers/rails-app.js';
import { runSmokeFix, tablesIn } from '../helpers/stack-run.js';

stopSharedServerAtEnd(t);
const skip = await railsUnavailable();
const ALICE_PW = 'rails-Alice-pw-58';

t.test('Rails app migrated under the wrong search_path goes green through its form login', { skip }, async (t) => {
  const db = await createTestDatabase(t);
  await db.exec('CREATE SCHEMA test_schema');
  const appDir = await copyRailsApp(t);
  await migrateAndSeedUnder({ appDir, databaseUrl: db.url, schema: 'test_schema', alicePassword: ALICE_PW });
  t.same(await tablesIn(db, 'test_schema'), ['ar_internal_metadata', 'orders', 'products', 'schema_migrations', 'users'], 'rails db:migrate put every table in test_schema');
  t.same(await tablesIn(db, 'public'), [], 'public has none');
  const rows = await rowCounts(db, { schema: 'test_schema', tables: RAILS_TABLES });
  t.same(rows, { orders: 2, products: 2, users: 1 });

  const app = await serveRails(t, { appDir, databaseUrl: db.url });
  const before = await get(`${app.url}/products`);
  t.equal(before.status, 500, '/products is a server error');
  t.match(before.body, /PG::UndefinedTable: ERROR:  relation &quot;products&quot; does not exist/, "ActiveRecord's error on the development page");

  const { result, reportDir } = await runSmokeFix(t, {
    yaml: `
baseUrl: \${BASE_URL}
database: { url: \${DATABASE_URL} }
auth:
  shop: { type: form, loginPath: /login, username: alice@example.com, password: \${ALICE_PW}, success: { cookie: _shop_session } }
endpoints:
  - { name: products, path: /products }
  - { name: my orders, path: /orders, auth: shop }
repair: { mode: apply, maxRounds: 8 }
`,
    env: { BASE_URL: app.url, DATABASE_URL: db.url, ALICE_PW },
  });
  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0);
  for (const table of RAILS_TABLES) t.equal(await schemaOf(db, table), 'public', `${table} is in public`);
  t.same(await rowCounts(db, { schema: 'public', tables: RAILS_TABLES }), rows, 'every table kept its rows');
  t.equal(await schemaOf(db, 'schema_migrations'), 'test_schema', 'schema_migrations, which no page reads, is left alone');
  t.same(result.final.map((p) => [p.endpoint, p.status]), [['products', 200], ['my orders', 200]], 'both pages answer 200, the orders logged in');
  const blocked = result.rounds[0]!.probes.find((p) => p.endpoint === 'my orders');
  t.match(blocked?.reason, /login page \/login answered 500 to the login form/, 'round 1: the login itself was broken by the drift (a finding, not a refusal)');
  t.notOk((await reportText(reportDir)).includes(ALICE_PW), "alice's password is in no report");

  const wrong = await runSmokeFix(t, {
    yaml: `
baseUrl: \${BASE_URL}
database: { url: \${DATABASE_URL} }
auth:
  shop: { type: form, loginPath: /login, username: alice@example.com, password: \${PW}, success: { cookie: _shop_session } }
endpoints:
  - { name: my orders, path: /orders, auth: shop }
`,
    env: { BASE_URL: app.url, DATABASE_URL: db.url, PW: 'wrong-rails-pw-1' },
  });
  t.equal(wrong.result.exitCode, 3, `a wrong password is exit 3 (${wrong.result.reason})`);
  t.match(wrong.result.reason, /The form has: authenticity_token \(hidden\), email, password; sent: authenticity_token, email, password/);
  t.match(wrong.result.reason, /Invalid email or password/, "the form's own error is quoted");
});
