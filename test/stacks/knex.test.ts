/**
 * A Node API on Knex: Knex's own migrator run with `searchPath: ['test_schema']`, then the app
 * served normally; its errors are Knex's messages in JSON bodies. `smoke-fix run` reads them and
 * brings every route back, rows intact.
 */
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { get, reportText, rowCounts, schemaOf } from '../helpers/django-site.js';
import { KNEX_TABLES, migrateAndSeedUnder, serveKnexApp } from '../helpers/knex-app.js';
import { runSmokeFix, tablesIn } from '../helpers/stack-run.js';

stopSharedServerAtEnd(t);

t.test('Knex app migrated under the wrong search_path goes green from its JSON errors', async (t) => {
  const db = await createTestDatabase(t);
  await db.exec('CREATE SCHEMA test_schema');
  await migrateAndSeedUnder({ databaseUrl: db.url, schema: 'test_schema' });
  t.same(await tablesIn(db, 'test_schema'), ['categories', 'knex_migrations', 'knex_migrations_lock', 'orders', 'products'], "Knex's migrator put every table in test_schema");
  t.same(await tablesIn(db, 'public'), [], 'public has none');
  const rows = await rowCounts(db, { schema: 'test_schema', tables: KNEX_TABLES });
  t.same(rows, { categories: 2, orders: 3, products: 3 });

  const app = await serveKnexApp(t, { databaseUrl: db.url });
  const before = await get(`${app.url}/api/products`);
  t.equal(before.status, 500);
  t.match(JSON.parse(before.body), { error: /^select .* - relation "products" does not exist$/ }, "Knex's own message, SQL first");

  const { result, reportDir } = await runSmokeFix(t, {
    yaml: `
baseUrl: \${BASE_URL}
database: { url: \${DATABASE_URL} }
endpoints:
  - { name: products, path: /api/products }
  - { name: orders, path: /api/orders }
repair: { mode: apply }
`,
    env: { BASE_URL: app.url, DATABASE_URL: db.url },
  });
  t.equal(result.outcome, 'green', `outcome (${result.reason})`);
  t.equal(result.exitCode, 0);
  for (const table of KNEX_TABLES) t.equal(await schemaOf(db, table), 'public', `${table} is in public`);
  t.same(await rowCounts(db, { schema: 'public', tables: KNEX_TABLES }), rows, 'every table kept its rows');
  t.equal(await schemaOf(db, 'knex_migrations'), 'test_schema', "Knex's bookkeeping, which no route reads, is left alone");
  const sources = new Set(result.rounds.flatMap((r) => r.findings.map((f) => f.source.type)));
  t.same([...sources], ['body'], 'every finding came from a JSON body');

  const products = await get(`${app.url}/api/products`);
  t.equal(products.status, 200);
  t.same(JSON.parse(products.body), [
    { title: 'SQL Antipatterns', category: 'books' },
    { title: 'Go board', category: 'games' },
    { title: 'Chess set', category: 'games' },
  ]);
  t.same(JSON.parse((await get(`${app.url}/api/orders`)).body), { items: '6' });
  t.ok((await reportText(reportDir)).includes('ALTER TABLE "test_schema"."categories" SET SCHEMA "public";'));
});
