/**
 * A small Node shop on Knex (npm `knex`, driver `pg`): migrations in test/fixtures/knex-app run by
 * Knex's own migrator, and an HTTP API whose handlers run real queries and answer a failure the
 * way such apps do, `500 {"error": "<driver message>"}` — Knex's message is the SQL with its
 * values filled in, then ` - relation "x" does not exist`.
 */
import { serveOnLoopback } from './loopback-app.js';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';

export const KNEX_APP_DIR = join(process.cwd(), 'test', 'fixtures', 'knex-app');
export const KNEX_TABLES = ['categories', 'orders', 'products'] as const;

function connect(databaseUrl: string, searchPath?: string): Knex {
  return knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 4 }, ...(searchPath ? { searchPath: [searchPath] } : {}) });
}

/**
 * `migrate.latest()` and a seed with Knex's `searchPath` set to `schema`: every table, and Knex's
 * own `knex_migrations` bookkeeping, lands there — the drift, made by the app's real migrator.
 */
export async function migrateAndSeedUnder(options: { databaseUrl: string; schema: string }): Promise<void> {
  const knex = connect(options.databaseUrl, options.schema);
  try {
    await knex.migrate.latest({ directory: join(KNEX_APP_DIR, 'migrations'), loadExtensions: ['.cjs'] });
    const [books, games] = await knex('categories').insert([{ name: 'books' }, { name: 'games' }]).returning('id');
    const products = await knex('products')
      .insert([
        { category_id: books!.id, title: 'SQL Antipatterns', price_cents: 3500 },
        { category_id: games!.id, title: 'Go board', price_cents: 9000 },
        { category_id: games!.id, title: 'Chess set', price_cents: 4500 },
      ])
      .returning('id');
    await knex('orders').insert(products.map((p, i) => ({ product_id: p.id, quantity: i + 1 })));
  } finally {
    await knex.destroy();
  }
}

export interface KnexApp {
  readonly url: string;
  stop(): Promise<void>;
}

/** The API served with the normal search_path. */
export async function serveKnexApp(t: { teardown(fn: () => unknown): void }, options: { databaseUrl: string }): Promise<KnexApp> {
  const knex = connect(options.databaseUrl);
  const routes: Record<string, () => Promise<unknown>> = {
    '/healthz': async () => 'ok',
    '/api/products': () =>
      knex('products').join('categories', 'categories.id', 'products.category_id').where('products.price_cents', '>', 1000).select('products.title', 'categories.name as category').orderBy('products.id'),
    '/api/orders': () => knex('orders').sum({ items: 'quantity' }).first(),
  };
  const server: Server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    route().then(
      (data) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data)),
      (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message })),
    );
  });
  const app = await serveOnLoopback(server, () => knex.destroy());
  t.teardown(() => app.close());
  return { url: app.url, stop: () => app.close() };
}
