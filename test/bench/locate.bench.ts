/**
 * The catalog lookups on a real PostgreSQL with a large catalog: 2,000 tables (each with a serial
 * primary key, so about 6,000 pg_class rows) over `public`, `test_schema` and `archive`.
 *   - locateRelations for 1,000 names: ONE query per call (counted on the wire), ms per call;
 *   - the same for 1 name, to show the cost is per round, not per name;
 *   - scanDrift over the whole catalog: two queries, ms per call.
 * Each answer is checked against the layout below, so a fast wrong answer does not pass.
 *
 *   node dist/test/bench/locate.bench.js
 */
import { openDatabase } from '../../src/db/connect.js';
import { locateRelations } from '../../src/db/locate.js';
import { scanDrift } from '../../src/db/scan.js';
import { counting } from '../db/counting-queryable.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { median, printTable, timeRuns, type Target, runBench } from './measure.js';

const RUNS = 15;
const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema'] };

/**
 * Measured on 2 cores (README.md): 16-21 ms for 1,000 names, 42-59 ms for a scan. The limits
 * leave room for a slower machine; a query per name (1,000 round trips) or a catalog scan per
 * name would be far above them.
 */
const MAX_LOCATE_MS = 100;
const MAX_SCAN_MS = 500;

/**
 *   public       pub_0..899, dup_0..99                       1,000 tables
 *   test_schema  mis_0..599, dup_0..99 (10 with a new column)   700 tables
 *   archive      arc_0..249, mis_0..49                          300 tables
 */
const CATALOG_SQL = `
CREATE SCHEMA test_schema; CREATE SCHEMA archive;
DO $$
BEGIN
  FOR i IN 0..899 LOOP EXECUTE format('CREATE TABLE public.%I (id serial PRIMARY KEY, name text)', 'pub_' || i); END LOOP;
  FOR i IN 0..99 LOOP
    EXECUTE format('CREATE TABLE public.%I (id serial PRIMARY KEY, name text)', 'dup_' || i);
    EXECUTE format('CREATE TABLE test_schema.%I (id serial PRIMARY KEY, name text%s)', 'dup_' || i, CASE WHEN i < 10 THEN ', left_at timestamptz' ELSE '' END);
  END LOOP;
  FOR i IN 0..599 LOOP EXECUTE format('CREATE TABLE test_schema.%I (id serial PRIMARY KEY, name text)', 'mis_' || i); END LOOP;
  FOR i IN 0..249 LOOP EXECUTE format('CREATE TABLE archive.%I (id serial PRIMARY KEY, name text)', 'arc_' || i); END LOOP;
  FOR i IN 0..49 LOOP EXECUTE format('CREATE TABLE archive.%I (id serial PRIMARY KEY, name text)', 'mis_' || i); END LOOP;
END $$;
ANALYZE;
`;

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** 1,000 names as a big round would bring them, hostile ones included (they are only parameters). */
const NAMES = [
  ...range('mis_', 450), // in test_schema; mis_0..49 also in archive
  ...range('dup_', 100), // in public and test_schema
  ...range('pub_', 100), // in public only
  ...range('arc_', 100), // in archive only
  ...range('nope_', 245),
  'x"; DROP TABLE public.pub_0; --',
  "pub_1' OR '1'='1",
  'pg_class',
  'PUB_2',
  '',
];

const EXPECTED = { names: 1000, inSources: 550, inTarget: 200, elsewhere: 151, nowhere: 249 };

function summarise(found: Awaited<ReturnType<typeof locateRelations>>) {
  return {
    names: found.length,
    inSources: found.filter((l) => l.inSources.length > 0).length,
    inTarget: found.filter((l) => l.inTarget !== null).length,
    // pg_class lives in pg_catalog: found, but elsewhere.
    elsewhere: found.filter((l) => l.elsewhere.length > 0).length,
    nowhere: found.filter((l) => l.inTarget === null && l.inSources.length === 0 && l.elsewhere.length === 0).length,
  };
}

function same(what: string, got: unknown, expected: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}

await runBench(async (teardowns) => {
  stopSharedServerAtEnd(teardowns);
  const setupStarted = performance.now();
  const db = await createTestDatabase(teardowns);
  await db.exec(CATALOG_SQL);
  const [{ tables, relations }] = (await db.query<{ tables: number; relations: number }>(
    `SELECT count(*) FILTER (WHERE c.relkind = 'r')::int AS tables, count(*)::int AS relations
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'test_schema', 'archive')`,
  )) as [{ tables: number; relations: number }];
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const database = await openDatabase({ url: db.url, connectRetries: 1 });
  teardowns.teardown(() => database.close());
  const spy = counting(database.pool);

  // locateRelations: 1,000 names
  const found = await locateRelations(spy, { names: NAMES, ...schemas });
  same('locateRelations(1,000 names)', summarise(found), EXPECTED);
  spy.sent.length = 0;
  const locateTimes = await timeRuns({ runs: RUNS, warmup: 2, fn: () => locateRelations(spy, { names: NAMES, ...schemas }) });
  const queriesPerCall = spy.sent.length / (RUNS + 2);

  // the same for one name
  const oneTimes = await timeRuns({ runs: RUNS, warmup: 2, fn: () => locateRelations(database.pool, { names: ['mis_7'], ...schemas }) });

  // scanDrift over the catalog
  const scan = await scanDrift(spy, schemas);
  same('scanDrift', { missing: scan.missingFromTarget.length, inBoth: scan.inBoth.length, columnDifferences: scan.columnDifferences.length }, {
    missing: 600,
    inBoth: 200, // dup_* tables and their dup_*_id_seq sequences
    columnDifferences: 10,
  });
  spy.sent.length = 0;
  const scanTimes = await timeRuns({ runs: RUNS, warmup: 1, fn: () => scanDrift(spy, schemas) });
  const scanQueries = spy.sent.length / (RUNS + 1);

  console.log(`catalog: ${tables} tables, ${relations} pg_class rows in public/test_schema/archive (built in ${setupSeconds.toFixed(1)} s); median of ${RUNS} runs\n`);
  printTable([
    { call: 'locateRelations, 1,000 names', 'queries/call': String(queriesPerCall), 'ms (median)': median(locateTimes), 'ms (min)': Math.min(...locateTimes), 'ms (max)': Math.max(...locateTimes) },
    { call: 'locateRelations, 1 name', 'queries/call': '1', 'ms (median)': median(oneTimes), 'ms (min)': Math.min(...oneTimes), 'ms (max)': Math.max(...oneTimes) },
    { call: 'scanDrift, whole catalog', 'queries/call': String(scanQueries), 'ms (median)': median(scanTimes), 'ms (min)': Math.min(...scanTimes), 'ms (max)': Math.max(...scanTimes) },
  ]);

  const targets: Target[] = [
    { name: 'locateRelations queries per call (1,000 names)', measured: queriesPerCall, unit: 'queries', want: 'exactly', limit: 1 },
    { name: 'locateRelations, 1,000 names, median', measured: median(locateTimes), unit: 'ms', want: 'at-most', limit: MAX_LOCATE_MS },
    { name: 'scanDrift queries per call', measured: scanQueries, unit: 'queries', want: 'exactly', limit: 2 },
    { name: 'scanDrift, 2,000 tables, median', measured: median(scanTimes), unit: 'ms', want: 'at-most', limit: MAX_SCAN_MS },
  ];
  return targets;
});
