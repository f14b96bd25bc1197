/**
 * A Flyway-style SQL folder drives `repair.scope: history`, end to end through the real binary: the
 * migrations ran under the wrong search_path (their tables in test_schema, Flyway's own table in
 * public), a real local HTTP app runs real SQL, and a decoy in test_schema that no migration
 * created is named by a response body.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import { startSqlApp, type AppRoute } from '../../src/demo/sql-app.js';
import { flywayChecksum } from '../../src/history/sql/flyway.js';
import { cli } from '../helpers/cli.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

/** The project's migrations folder, as Flyway names its files. */
const MIGRATIONS: ReadonlyArray<[file: string, sql: string, installedOn: string]> = [
  ['V1__create_customers.sql', 'CREATE TABLE customers (\n  id bigserial PRIMARY KEY,\n  name varchar(100) NOT NULL\n);\n', '2025-12-29 14:01:00'],
  ['V2__create_products.sql', 'CREATE TABLE products (id serial PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL DEFAULT 0);\nCREATE INDEX products_title_idx ON products (title);\n', '2025-12-29 14:02:00'],
  [
    'V3__add_orders.sql',
    '-- orders reference both\nCREATE TABLE orders (\n  id bigserial PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  product_id integer NOT NULL REFERENCES products (id),\n  note text DEFAULT \'none; really\'\n);\nCREATE INDEX orders_customer_idx ON orders (customer_id);\n',
    '2025-12-29 14:03:00',
  ],
  // Latent: no page reads it; only the history knows it belongs in public.
  ['V4__create_audit_log.sql', 'CREATE TABLE audit_log (id bigserial PRIMARY KEY, action text NOT NULL);\n', '2025-12-29 14:04:00'],
];

const ROUTES: AppRoute[] = [
  { path: '/customers/', queries: ['SELECT count(*) FROM customers'] },
  // The cascade: each table is revealed only once the one before it is back.
  { path: '/orders/', queries: ['SELECT count(*) FROM orders', 'SELECT count(*) FROM orders o JOIN products p ON p.id = o.product_id JOIN customers c ON c.id = o.customer_id'] },
];
const DECOY_ROUTE: AppRoute = { path: '/decoy/', queries: ['SELECT secret FROM decoy'] };

/** Runs each migration as Flyway would, but under the wrong search_path, and records it in public.flyway_schema_history. */
async function migrateUnderWrongSearchPath(db: TestDatabase): Promise<void> {
  await db.exec(`CREATE SCHEMA test_schema;
    CREATE TABLE public.flyway_schema_history (
      installed_rank integer NOT NULL PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,
      script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
      execution_time integer NOT NULL, success boolean NOT NULL)`);
  for (const [i, [file, sql, installedOn]] of MIGRATIONS.entries()) {
    await db.exec(`SET search_path = test_schema, public;\n${sql}`);
    const [, version, description] = /^V([^_]+)__(.+)\.sql$/.exec(file)!;
    await db.query(
      `INSERT INTO public.flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success)
       VALUES ($1, $2, $3, 'SQL', $4, $5, 'app', $6, 7, true)`,
      [i + 1, version, description!.replace(/_/g, ' '), file, flywayChecksum(sql), installedOn],
    );
  }
  await db.exec(`
    INSERT INTO test_schema.customers (name) SELECT 'customer ' || g FROM generate_series(1, 30) g;
    INSERT INTO test_schema.products (title, price) SELECT 'product ' || g, g FROM generate_series(1, 12) g;
    INSERT INTO test_schema.orders (customer_id, product_id) SELECT 1 + g % 30, 1 + g % 12 FROM generate_series(1, 250) g;
    INSERT INTO test_schema.audit_log (action) SELECT 'act ' || g FROM generate_series(1, 9) g;
    -- Not the app's: no migration created it.
    CREATE TABLE test_schema.decoy (id serial PRIMARY KEY, secret text);
    INSERT INTO test_schema.decoy (secret) VALUES ('keep me here');`);
}

async function setUp(t: Test, routes: AppRoute[]) {
  const db = await createTestDatabase(t);
  await migrateUnderWrongSearchPath(db);
  const app = await startSqlApp({ databaseUrl: db.url, routes });
  t.teardown(() => app.close());
  const dir = await tempDir(t, 'smoke-fix-sql-history-');
  await Promise.all(MIGRATIONS.map(([file, sql]) => writeFile(join(dir, file), sql)).concat(writeFile(join(dir, 'flyway.conf'), 'flyway.locations=filesystem:.\n')));
  const file = join(dir, 'smoke-fix.yaml');
  await writeFile(
    file,
    `baseUrl: \${BASE_URL}\ndatabase: { url: "\${DATABASE_URL}" }\nendpoints:\n${routes.map((r) => `  - ${r.path}`).join('\n')}\n` +
      `repair: { mode: apply, scope: history }\nhistory:\n  sql: { dir: ., format: flyway }\nreport: { dir: reports }\n`,
  );
  return { db, file, env: { BASE_URL: app.url, DATABASE_URL: db.url } };
}

/** Row count and an md5 of every row, per table: what a person compares before and after. */
async function contents(db: TestDatabase, schema: string): Promise<Record<string, { rows: number; md5: string }>> {
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const name of ['customers', 'products', 'orders', 'audit_log']) {
    const [row] = await db.query<{ rows: number; md5: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM "${schema}"."${name}" t`,
    );
    out[name] = row!;
  }
  return out;
}

async function schemasOf(db: TestDatabase): Promise<Record<string, string>> {
  const rows = await db.query<{ name: string; schema: string }>(
    `SELECT c.relname AS name, n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN ('public', 'test_schema') AND c.relkind IN ('r', 'S') ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.schema]));
}

const reportDirOf = (stdout: string): string => /report: (.+)/.exec(stdout)![1]!.trim();

t.test('scope: history with a Flyway folder: every migration-created table moves in round 1, green in 2 rounds; scan 1 before, 0 after', async (t) => {
  const { db, file, env } = await setUp(t, ROUTES);
  const before = await contents(db, 'test_schema');

  const scanBefore = await cli(['scan', file, '--json'], env);
  t.equal(scanBefore.code, 1, `scan exits 1 while the migrations' tables are misplaced\n${scanBefore.stderr}`);
  const drift = JSON.parse(scanBefore.stdout) as { history: { objects: Array<{ name: string; state: string; migration: string }>; notTheApps: Array<{ name: string }> } };
  t.same(
    drift.history.objects.map((o) => [o.name, o.state, o.migration]),
    [
      ['audit_log', 'misplaced', 'V4__create_audit_log, applied 2025-12-29 14:04'],
      ['audit_log_id_seq', 'misplaced', 'V4__create_audit_log, applied 2025-12-29 14:04'],
      ['customers', 'misplaced', 'V1__create_customers, applied 2025-12-29 14:01'],
      ['customers_id_seq', 'misplaced', 'V1__create_customers, applied 2025-12-29 14:01'],
      ['orders', 'misplaced', 'V3__add_orders, applied 2025-12-29 14:03'],
      ['orders_id_seq', 'misplaced', 'V3__add_orders, applied 2025-12-29 14:03'],
      ['products', 'misplaced', 'V2__create_products, applied 2025-12-29 14:02'],
      ['products_id_seq', 'misplaced', 'V2__create_products, applied 2025-12-29 14:02'],
    ],
    "scan names each object's migration",
  );
  t.same(drift.history.notTheApps.map((r) => r.name), ['decoy', 'decoy_id_seq'], 'the decoy is not the app’s');
  const text = await cli(['scan', file], env);
  t.match(text.stdout, 'orders (table): MISPLACED, in test_schema; created by V3__add_orders, applied 2025-12-29 14:03');
  t.notMatch(text.stdout, 'with warnings', 'every recorded file is there, unchanged');

  const run = await cli(['run', file, '--apply'], env);
  t.equal(run.code, 0, `green\n${run.stdout}\n${run.stderr}`);
  const json = JSON.parse(await readFile(join(reportDirOf(run.stdout), 'report.json'), 'utf8')) as {
    counts: { rounds: number };
    rounds: Array<{ repairs: Array<{ status: string; action: { sql: string } }> }>;
  };
  t.equal(json.rounds.length, 2, 'repair + confirming pass');
  t.same(
    json.rounds[0]!.repairs.map((r) => [r.status, r.action.sql]).sort(),
    ['audit_log', 'customers', 'orders', 'products'].map((n) => ['applied', `ALTER TABLE "test_schema"."${n}" SET SCHEMA "public";`]),
    'round 1 moves every table the migrations created, the latent one too',
  );
  t.same(json.rounds[1]!.repairs, [], 'round 2 only confirms');
  t.same(await schemasOf(db), {
    audit_log: 'public',
    audit_log_id_seq: 'public',
    customers: 'public',
    customers_id_seq: 'public',
    decoy: 'test_schema',
    decoy_id_seq: 'test_schema',
    flyway_schema_history: 'public',
    orders: 'public',
    orders_id_seq: 'public',
    products: 'public',
    products_id_seq: 'public',
  });
  t.same(await contents(db, 'public'), before, 'same rows, same content, table by table');
  t.same(await db.query(`SELECT secret FROM test_schema.decoy`), [{ secret: 'keep me here' }]);

  const scanAfter = await cli(['scan', file], env);
  t.equal(scanAfter.code, 0, `scan exits 0 once nothing is misplaced (the decoy does not count)\n${scanAfter.stdout}`);

  // A file edited after Flyway applied it: the scan says so (and still follows the file as it is).
  await writeFile(join(dirname(file), 'V4__create_audit_log.sql'), MIGRATIONS[3]![1] + '-- edited later\n');
  const edited = await cli(['scan', file], env);
  t.equal(edited.code, 0);
  t.match(edited.stdout, /Read from the history with warnings \(1\)[\s\S]*V4__create_audit_log\.sql: the file changed since Flyway applied it/);
});

t.test('with a Flyway history, a decoy named by a response body is refused not-in-history and stays', async (t) => {
  const { db, file, env } = await setUp(t, [...ROUTES, DECOY_ROUTE]);
  const run = await cli(['run', file, '--apply'], env);
  t.equal(run.code, 1, 'the decoy page still fails');
  const json = JSON.parse(await readFile(join(reportDirOf(run.stdout), 'report.json'), 'utf8')) as {
    rounds: Array<{ repairs: Array<{ status: string; action: { sql: string } }>; refusals: Array<{ reason: string; finding: { name?: string } }> }>;
  };
  t.same(
    json.rounds[0]!.repairs.map((r) => r.action.sql).sort(),
    ['audit_log', 'customers', 'orders', 'products'].map((n) => `ALTER TABLE "test_schema"."${n}" SET SCHEMA "public";`),
  );
  const refusals = json.rounds.flatMap((r) => r.refusals).filter((r) => r.finding.name === 'decoy');
  t.ok(refusals.length > 0, 'the body names the decoy');
  t.same([...new Set(refusals.map((r) => r.reason))], ['not-in-history']);
  t.equal((await schemasOf(db)).decoy, 'test_schema', 'the decoy stays in test_schema');
});
