/** `smoke-fix scan` on tables freshly filled by a migration (never analyzed): rows that are true. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { EXACT_COUNT_MAX_BYTES } from '../../src/db/table-rows.js';
import { cli } from '../helpers/cli.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

stopSharedServerAtEnd(t);

t.test('small tables are counted, large never-analyzed ones say so, analyzed ones are estimates', async (t) => {
  const db = await createTestDatabase(t);
  // autovacuum off: nothing may analyze the big table behind the test's back.
  await db.exec(`
    CREATE SCHEMA test_schema;
    CREATE TABLE test_schema.small_items (id int, body text);
    INSERT INTO test_schema.small_items SELECT g, 'item ' || g FROM generate_series(1, 3) g;
    CREATE TABLE test_schema.empty_items (id int);
    CREATE TABLE test_schema.big_items (id int, body text) WITH (autovacuum_enabled = false);
    INSERT INTO test_schema.big_items SELECT g, repeat('x', 60) FROM generate_series(1, 150000) g;
  `);
  const [size] = await db.query<{ bytes: string }>(`SELECT pg_relation_size('test_schema.big_items')::text AS bytes`);
  t.ok(Number(size!.bytes) > EXACT_COUNT_MAX_BYTES, 'the big table is above the exact-count threshold');
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(file, 'baseUrl: http://127.0.0.1:9\ndatabase:\n  url: ${DATABASE_URL}\nendpoints: [/healthz]\n');
  const env = { DATABASE_URL: db.url };

  const before = await cli(['scan', file], env);
  t.equal(before.code, 0, before.stderr);
  t.match(before.stdout, /test_schema\.small_items {2}table, 3 rows\n/);
  t.match(before.stdout, /test_schema\.empty_items {2}table, 0 rows\n/);
  t.match(before.stdout, /test_schema\.big_items {2}table, rows unknown: not analyzed \(\d+ MB; ANALYZE it for an estimate\)\n/);
  t.notMatch(before.stdout, /~0 rows/);

  await db.exec('ANALYZE test_schema.big_items');
  const after = await cli(['scan', file, '--json'], env);
  const scan = JSON.parse(after.stdout) as { missingFromTarget: Array<{ relation: { name: string }; rows?: { kind: string; rows?: number } }> };
  const big = scan.missingFromTarget.find((m) => m.relation.name === 'big_items');
  t.equal(big?.rows?.kind, 'estimate');
  t.ok(Math.abs((big?.rows?.rows ?? 0) - 150000) < 15000, `estimate near 150000 (${big?.rows?.rows})`);
  t.match(scan.missingFromTarget.find((m) => m.relation.name === 'small_items')?.rows, { kind: 'exact', rows: 3 });
});
