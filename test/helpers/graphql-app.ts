/**
 * A real GraphQL server (graphql-js executing a schema) whose resolvers run real SQL on
 * PostgreSQL with `search_path=public`, as an ORM-backed API does. A failing resolver's error
 * reaches the client the way GraphQL servers send it: status 200, `data` null where it failed,
 * and `errors[].message` holding the database's own text. The `report` field shows the other
 * common shape: the resolver catches the error and returns it under `data.report.errors`.
 */
import { serveOnLoopback, type LoopbackApp } from './loopback-app.js';
import { createServer, type IncomingMessage } from 'node:http';
import { buildSchema, graphql } from 'graphql';
import pg from 'pg';

const schema = buildSchema(`
  type Order { id: Int!, total: Int! }
  type Customer { id: Int!, name: String! }
  type Report { rows: Int, errors: [String!]! }
  type Query { orders: [Order!], customers: [Customer!], report: Report }
`);

export type GraphqlApp = LoopbackApp;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startGraphqlApp(databaseUrl: string): Promise<GraphqlApp> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, options: '-c search_path=public' });
  const rows = async (sql: string) => (await pool.query(sql)).rows as unknown[];
  const rootValue = {
    orders: () => rows('SELECT id, total FROM orders ORDER BY id'),
    customers: () => rows('SELECT id, name FROM customers ORDER BY id'),
    report: async () => {
      try {
        const [row] = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM invoices')).rows;
        return { rows: row!.n, errors: [] };
      } catch (e) {
        return { rows: null, errors: [(e as Error).message] };
      }
    },
  };
  const server = createServer((req, res) => {
    void (async () => {
      const { query } = JSON.parse(await readBody(req)) as { query: string };
      const result = await graphql({ schema, source: query, rootValue });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    })().catch(() => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"errors":[{"message":"bad request"}]}');
    });
  });
  return serveOnLoopback(server, () => pool.end());
}
