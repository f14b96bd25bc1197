/**
 * A fleet to repair, for real: one database holding N tenant schemas (django-tenants style: a
 * `public.customers_client` row per tenant, the app picking the tenant by the Host header and
 * running its SQL with that tenant's search_path), each tenant's `item` table drifted into its
 * own `<tenant>_old` schema; plus M separate databases, each with its own app and its `item`
 * table drifted into `test_schema`. Everything is torn down with the test.
 */
import { serveOnLoopback } from './loopback-app.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { startSqlApp } from '../../src/demo/sql-app.js';
import { renderError } from '../../src/demo/error-pages.js';
import { createTestDatabase, type TestDatabase } from './database.js';

interface Teardownable {
  teardown(fn: () => unknown): void;
}

export interface TenantWorld {
  readonly main: TestDatabase;
  readonly tenantAppUrl: string;
  readonly tenants: readonly string[];
  readonly dbs: readonly { name: string; db: TestDatabase; url: string }[];
  /** Requests the tenant app answered, by tenant schema. */
  readonly tenantHits: ReadonlyMap<string, number>;
  /** Schema holding `item` in each tenant (`tenant_07` once repaired, `tenant_07_old` before). */
  itemSchemas(): Promise<Map<string, string>>;
  /** Schema holding `item` in each separate database. */
  dbItemSchemas(): Promise<Map<string, string>>;
  /** Puts every `item` table back where it drifted to (cheaper than a new world per test). */
  drift(): Promise<void>;
}

const ROUTE = '/items/';
const QUERY = 'SELECT count(*) FROM item';

/** The django-tenants middleware, in miniature: Host → schema, then the page's SQL under it. */
async function startTenantApp(databaseUrl: string, hits: Map<string, number>) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 6, application_name: 'tenant-app' });
  pool.on('error', () => {});
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const { rows } = await pool.query<{ schema_name: string }>('SELECT schema_name FROM public.customers_client WHERE domain_url = $1', [host]);
    const schema = rows[0]?.schema_name;
    if (schema === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end(`no tenant for ${host}`);
    hits.set(schema, (hits.get(schema) ?? 0) + 1);
    if (new URL(req.url ?? '/', 'http://x').pathname !== ROUTE) return void res.writeHead(404).end('Not Found');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT pg_catalog.set_config('search_path', pg_catalog.quote_ident($1), true)`, [schema]);
      const r = await client.query<{ count: string }>(QUERY);
      await client.query('COMMIT');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${schema}: ${r.rows[0]?.count} items`);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      const err = e as { message: string; code?: string };
      const page = renderError('django-debug', { path: ROUTE, sql: QUERY, error: { message: err.message, code: err.code } });
      res.writeHead(500, { 'content-type': page.type }).end(page.body);
    } finally {
      client.release();
    }
  };
  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  return serveOnLoopback(server, () => pool.end());
}

export const tenantName = (i: number) => `tenant_${String(i).padStart(2, '0')}`;

export async function createTenantWorld(t: Teardownable, options: { tenants: number; databases: number }): Promise<TenantWorld> {
  const main = await createTestDatabase(t);
  const tenants = Array.from({ length: options.tenants }, (_, i) => tenantName(i + 1));
  const sql = ['CREATE TABLE public.customers_client (schema_name text NOT NULL, domain_url text NOT NULL, drift_schema text NOT NULL)'];
  // A tenant registered with the app whose table is nowhere: its target can only fail (stuck).
  sql.push(`CREATE SCHEMA tenant_zz`, `CREATE SCHEMA tenant_zz_old`, `INSERT INTO public.customers_client VALUES ('tenant_zz', 'tenant-zz.example.test', 'tenant_zz_old')`);
  for (const s of tenants) {
    sql.push(
      `CREATE SCHEMA ${s}`,
      `CREATE SCHEMA ${s}_old`,
      `CREATE TABLE ${s}_old.item (id serial PRIMARY KEY, label text NOT NULL)`,
      `INSERT INTO ${s}_old.item (label) VALUES ('${s} a'), ('${s} b')`,
      `INSERT INTO public.customers_client VALUES ('${s}', '${s.replace('_', '-')}.example.test', '${s}_old')`,
    );
  }
  await main.exec(sql.join(';\n'));
  const tenantHits = new Map<string, number>();
  const app = await startTenantApp(main.url, tenantHits);
  t.teardown(() => app.close());

  const dbs: { name: string; db: TestDatabase; url: string }[] = [];
  for (let i = 1; i <= options.databases; i++) {
    const db = await createTestDatabase(t);
    await db.exec(`CREATE SCHEMA test_schema; CREATE TABLE test_schema.item (id serial PRIMARY KEY, label text); INSERT INTO test_schema.item (label) VALUES ('x')`);
    const running = await startSqlApp({ databaseUrl: db.url, routes: [{ path: ROUTE, queries: [QUERY] }], errorStyle: 'django-debug' });
    t.teardown(() => running.close());
    dbs.push({ name: `db-${i}`, db, url: running.url });
  }

  const itemSchemaOf = async (db: TestDatabase) =>
    new Map(
      (await db.query<{ nspname: string }>(`SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'item' AND c.relkind = 'r'`)).map(
        (r) => [r.nspname.replace(/_old$/, ''), r.nspname] as const,
      ),
    );
  return {
    main,
    tenantAppUrl: app.url,
    tenants,
    dbs,
    tenantHits,
    itemSchemas: () => itemSchemaOf(main),
    async drift() {
      await main.exec(tenants.map((s) => `ALTER TABLE IF EXISTS ${s}.item SET SCHEMA ${s}_old`).join(';\n'));
      for (const d of dbs) await d.db.exec('ALTER TABLE IF EXISTS public.item SET SCHEMA test_schema');
    },
    async dbItemSchemas() {
      const out = new Map<string, string>();
      for (const d of dbs) out.set(d.name, [...(await itemSchemaOf(d.db)).values()][0] ?? 'missing');
      return out;
    },
  };
}

/** The fleet config of a world: `targetsFrom` for the tenants, `targets` for the databases. */
export function worldConfig(world: TenantWorld, reportDir: string, options: { extra?: string; where?: string; query?: string; as?: string; targets?: string[] } = {}): string {
  const targets = options.targets ?? world.dbs.map((d) => `  - { name: ${d.name}, baseUrl: "${d.url}", database: { url: "${d.db.url}" } }`);
  return [
    `baseUrl: "${world.tenantAppUrl}"`,
    `database: { url: "${world.main.url}", connectRetries: 1 }`,
    `endpoints: [ ${ROUTE} ]`,
    'repair: { mode: apply }',
    `report: { dir: "${reportDir}" }`,
    'http: { retries: 0 }',
    'targetsFrom:',
    `  query: ${options.query ?? `select schema_name, domain_url, drift_schema from public.customers_client where ${options.where ?? "schema_name <> 'tenant_zz'"} order by schema_name`}`,
    `  as: ${options.as ?? '{ targetSchema: schema_name, sourceSchemas: drift_schema, headers: { Host: domain_url } }'}`,
    ...(targets.length > 0 ? ['targets:', ...targets] : []),
    options.extra ?? '',
  ].join('\n') + '\n';
}
