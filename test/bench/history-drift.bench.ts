/**
 * The drift against the expectation on a real PostgreSQL, at two sizes, to show the cost grows
 * linearly: N expected tables (each with a serial key, an FK, an index), half in `public`, half
 * misplaced in `test_schema`, plus N/10 decoys. `snapshotCatalog` (one query) + the pure
 * `compareWithHistory`, median of 7; the answers are checked so a fast wrong one does not pass.
 *
 *   node dist/test/bench/history-drift.bench.js
 */
import { openDatabase } from '../../src/db/connect.js';
import { snapshotCatalog } from '../../src/history/catalog.js';
import { compareWithHistory } from '../../src/history/drift.js';
import type { ExpectedRelation } from '../../src/history/types.js';
import { counting } from '../db/counting-queryable.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { column, schemaOf, table } from '../history/expected-fixture.js';
import { median, printTable, timeRuns, type Target, runBench } from './measure.js';

const RUNS = 7;
const SIZES = [500, 1000];
const schemas = { targetSchema: 'public', sourceSchemas: ['test_schema'] };

function catalogSql(n: number): string {
  return `CREATE SCHEMA test_schema;
DO $$
BEGIN
  FOR i IN 0..${n - 1} LOOP
    EXECUTE format('CREATE TABLE %I.%I (id serial PRIMARY KEY, name text NOT NULL, parent_id int REFERENCES %I.%I (id))',
      CASE WHEN i % 2 = 0 THEN 'public' ELSE 'test_schema' END, 't_' || i,
      CASE WHEN i % 2 = 0 THEN 'public' ELSE 'test_schema' END, 't_' || i);
    EXECUTE format('CREATE INDEX %I ON %I.%I (name)', 't_' || i || '_name_idx', CASE WHEN i % 2 = 0 THEN 'public' ELSE 'test_schema' END, 't_' || i);
  END LOOP;
  FOR i IN 0..${n / 10 - 1} LOOP EXECUTE format('CREATE TABLE test_schema.%I (id int)', 'decoy_' || i); END LOOP;
END $$;
ANALYZE;`;
}

function expectedTable(i: number): ExpectedRelation {
  const name = `t_${i}`;
  return table(name, [column('id', 'integer', true), column('name', 'text', true), column('parent_id', 'integer')], {
    indexes: [`${name}_name_idx`, `${name}_pkey`],
    constraints: [
      { name: `${name}_parent_id_fkey`, type: 'foreign-key', references: { schema: 'public', name } },
      { name: `${name}_pkey`, type: 'primary-key' },
    ],
  });
}

await runBench(async (teardowns) => {
  stopSharedServerAtEnd(teardowns);
  const medians: number[] = [];
  const rows: Record<string, string | number>[] = [];
  let queries = 0;
  for (const n of SIZES) {
    const db = await createTestDatabase(teardowns);
    await db.exec(catalogSql(n));
    const database = await openDatabase({ url: db.url, connectRetries: 1 });
    teardowns.teardown(() => database.close());
    const expected = schemaOf(Array.from({ length: n }, (_, i) => expectedTable(i)));
    const spy = counting(database.pool);
    const once = compareWithHistory(expected, await snapshotCatalog(spy, schemas), schemas);
    queries = spy.sent.length;
    const got = {
      inTarget: once.objects.filter((o) => o.state === 'in-target' && o.differences.length === 0).length,
      misplaced: once.objects.filter((o) => o.state === 'misplaced' && o.differences.length === 0).length,
      notTheApps: once.notTheApps.length,
    };
    const want = { inTarget: n / 2, misplaced: n / 2, notTheApps: n / 10 };
    if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`n=${n}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    const times = await timeRuns({ runs: RUNS, warmup: 1, fn: async () => compareWithHistory(expected, await snapshotCatalog(database.pool, schemas), schemas) });
    medians.push(median(times));
    rows.push({ 'expected tables': n, 'pg_class rows': n * 4 + n / 10, 'ms (median)': median(times), 'ms (min)': Math.min(...times), 'ms (max)': Math.max(...times) });
  }
  printTable(rows);
  const ratio = medians[1]! / medians[0]!;
  console.log(`\ntime for ${SIZES[1]} ÷ time for ${SIZES[0]}: ${ratio.toFixed(2)} (linear ≈ 2, quadratic ≈ 4)`);
  const targets: Target[] = [
    { name: 'catalog queries per snapshot', measured: queries, unit: 'queries', want: 'exactly', limit: 1 },
    { name: `snapshot + compare, ${SIZES[1]} tables, median`, measured: medians[1]!, unit: 'ms', want: 'at-most', limit: 2000 },
    { name: 'growth for twice the tables', measured: Math.round(ratio * 100) / 100, unit: '×', want: 'at-most', limit: 3 },
  ];
  return targets;
});
