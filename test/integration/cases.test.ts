/**
 * Runs every folder under test/cases against a real PostgreSQL and the real bundled app, through
 * the same library call the CLI makes, and checks what a user would check afterwards.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { startSqlApp, type AppRoute } from '../../src/demo/sql-app.js';
import type { ErrorStyle } from '../../src/demo/error-pages.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

const CASES = join(process.cwd(), 'test', 'cases');

interface Expected {
  outcome: string;
  exitCode: number;
  rounds?: number;
  catalogUnchanged?: boolean;
  relations?: Record<string, { schema: string; rows?: number; kind?: string; indexes?: number; constraints?: number }>;
  sequences?: Record<string, string>;
  tables?: Record<string, { rows: number; columns: string[] }>;
  refusals: Array<{ name?: string; column?: string; reason: string }>;
  report: string[];
}

const cases = (await readdir(CASES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();

for (const name of cases) {
  t.test(name, async (t) => {
    const dir = join(CASES, name);
    const read = (f: string) => readFile(join(dir, f), 'utf8');
    const expected = JSON.parse(await read('expected.json')) as Expected;
    const app = JSON.parse(await read('routes.json')) as { errorStyle?: ErrorStyle; routes: AppRoute[] };

    const db = await createTestDatabase(t);
    await db.exec(await read('setup.sql'));
    const running = await startSqlApp({ databaseUrl: db.url, routes: app.routes, errorStyle: app.errorStyle });
    t.teardown(() => running.close());
    const reportDir = await tempDir(t, 'smoke-fix-case-');

    const before = await catalogSnapshot(db.url);
    const config = await loadConfig(join(dir, 'config.yaml'), { BASE_URL: running.url, DATABASE_URL: db.url });
    const { result, reportDir: written } = await runWithConfig({ config, reportDir });
    const after = await catalogSnapshot(db.url);

    t.equal(result.outcome, expected.outcome, `outcome (${result.reason})`);
    t.equal(result.exitCode, expected.exitCode, 'exit code');
    if (expected.rounds !== undefined) t.equal(result.rounds.length, expected.rounds, 'rounds');
    if (expected.catalogUnchanged) t.same(after, before, 'the catalog and every row count are unchanged');

    for (const [rel, want] of Object.entries(expected.relations ?? {})) {
      const rows = await db.query<{ schema: string; kind: string; indexes: number; constraints: number }>(
        `SELECT n.nspname AS schema, c.relkind AS kind,
                (SELECT count(*)::int FROM pg_index i WHERE i.indrelid = c.oid) AS indexes,
                (SELECT count(*)::int FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('p', 'f', 'u', 'c')) AS constraints
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1`,
        [rel],
      );
      t.equal(rows.length, 1, `${rel} exists exactly once`);
      const got = rows[0]!;
      t.equal(got.schema, want.schema, `${rel} is in ${want.schema}`);
      if (want.kind) t.equal(got.kind, want.kind, `${rel} kind`);
      if (want.indexes !== undefined) t.equal(got.indexes, want.indexes, `${rel} kept its indexes`);
      if (want.constraints !== undefined) t.equal(got.constraints, want.constraints, `${rel} kept its constraints`);
      if (want.rows !== undefined) {
        const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${want.schema}"."${rel.replace(/"/g, '""')}"`);
        t.equal(count!.n, want.rows, `${rel} kept its rows`);
      }
    }
    for (const [seq, schema] of Object.entries(expected.sequences ?? {})) {
      const [row] = await db.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND c.relkind = 'S'`,
        [seq],
      );
      t.equal(row?.schema, schema, `sequence ${seq} moved with its table`);
    }
    for (const [table, want] of Object.entries(expected.tables ?? {})) {
      const [schema, rel] = table.split('.') as [string, string];
      const cols = await db.query<{ attname: string }>(
        `SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [`"${schema}"."${rel}"`],
      );
      t.same(cols.map((c) => c.attname), want.columns, `${table} columns`);
      const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${rel}"`);
      t.equal(count!.n, want.rows, `${table} kept its rows`);
    }

    const refusals = result.rounds.flatMap((r) => r.refusals);
    for (const want of expected.refusals) {
      const found = refusals.find((r) =>
        want.column
          ? r.findings[0].finding.kind === 'missing-column' && r.findings[0].finding.column === want.column
          : r.findings[0].finding.kind === 'missing-relation' && r.findings[0].finding.name === want.name,
      );
      t.equal(found?.reason, want.reason, `refusal of ${want.name ?? want.column}`);
    }
    if (expected.refusals.length === 0) t.same(refusals, [], 'nothing refused');

    t.equal(dirname(written), reportDir, "the run's report folder is in the folder asked for");
    const json = JSON.parse(await readFile(join(written, 'report.json'), 'utf8')) as { outcome: string };
    t.equal(json.outcome, expected.outcome, 'report.json has the outcome');
    const md = await readFile(join(written, 'report.md'), 'utf8');
    for (const line of expected.report) t.ok(md.includes(line), `report.md contains ${line}`);
  });
}
