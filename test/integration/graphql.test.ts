/**
 * GraphQL answers 200 even when a resolver's SQL failed; the database's error sits in
 * `errors[].message`. With `graphql: true` (or `expectNoErrors` on the API's own error path) such
 * an answer is a failure, its messages are diagnosed, and `smoke-fix run` repairs the drift to
 * green. Real PostgreSQL, real graphql-js server, real SQL.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { createTestDatabase, stopSharedServerAtEnd, type TestDatabase } from '../helpers/database.js';
import { startGraphqlApp } from '../helpers/graphql-app.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

const DRIFT = `
  CREATE SCHEMA test_schema;
  CREATE TABLE test_schema.orders (id int PRIMARY KEY, total int NOT NULL);
  INSERT INTO test_schema.orders VALUES (1, 10), (2, 20);
  CREATE TABLE test_schema.customers (id int PRIMARY KEY, name text NOT NULL);
  INSERT INTO test_schema.customers VALUES (1, 'alice');
  CREATE TABLE test_schema.invoices (id int PRIMARY KEY);
`;

const endpoint = (name: string, query: string, extra: string): string =>
  `  - name: ${name}
    path: /graphql
    method: POST
    headers: { content-type: application/json }
    body: '${JSON.stringify({ query })}'
${extra}`;

async function setup(t: Test, endpointsYaml: string): Promise<{ db: TestDatabase; configFile: string; reportDir: string; url: string }> {
  const db = await createTestDatabase(t);
  await db.exec(DRIFT);
  const app = await startGraphqlApp(db.url);
  t.teardown(() => app.close());
  const dir = await tempDir(t, 'smoke-fix-graphql-');
  const configFile = join(dir, 'smoke-fix.yaml');
  await writeFile(
    configFile,
    `baseUrl: \${BASE_URL}\ndatabase:\n  url: \${DATABASE_URL}\nrepair:\n  mode: apply\nendpoints:\n${endpointsYaml}`,
  );
  return { db, configFile, reportDir: join(dir, 'reports'), url: app.url };
}

async function schemaOf(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await db.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND c.relkind = 'r'`,
    [table],
  );
  return rows.map((r) => r.schema);
}

t.test('graphql: true and expectNoErrors turn 200s with database errors into findings, repaired to green', async (t) => {
  const { db, configFile, reportDir, url } = await setup(
    t,
    endpoint('orders', '{ orders { id total } }', '    graphql: true\n') +
      endpoint('customers', '{ customers { id name } }', '    graphql: true\n') +
      endpoint('report', '{ report { rows errors } }', '    expectNoErrors: data.report.errors\n'),
  );
  const config = await loadConfig(configFile, { BASE_URL: url, DATABASE_URL: db.url });
  const { result } = await runWithConfig({ config, reportDir });

  const first = result.rounds[0]!.probes;
  t.same(
    first.map((p) => [p.endpoint, p.status, p.ok]),
    [
      ['orders', 200, false],
      ['customers', 200, false],
      ['report', 200, false],
    ],
    'round 1: every endpoint answered 200 and failed its body check',
  );
  t.match(first[0]!.reason, /^GraphQL errors: relation "orders" does not exist$/);
  t.match(first[2]!.reason, /^data\.report\.errors: relation "invoices" does not exist$/);

  t.equal(result.outcome, 'green', result.reason);
  t.equal(result.exitCode, 0);
  for (const table of ['orders', 'customers', 'invoices']) t.same(await schemaOf(db, table), ['public'], `${table} moved to public`);
  const [orders] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.orders');
  t.equal(orders!.n, 2, 'orders kept its rows');
  t.ok(result.final.every((p) => p.ok), 'final pass: every endpoint ok');
});

t.test('without graphql: true the same 200 counts as success and nothing is moved', async (t) => {
  const { db, configFile, reportDir, url } = await setup(t, endpoint('orders', '{ orders { id total } }', ''));
  const config = await loadConfig(configFile, { BASE_URL: url, DATABASE_URL: db.url });
  const { result } = await runWithConfig({ config, reportDir });
  t.equal(result.outcome, 'green');
  t.same(await schemaOf(db, 'orders'), ['test_schema'], 'orders stays where it is: the 200 hid the error');
});
