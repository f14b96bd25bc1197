/**
 * The record's cost and the verification's cost, the two things issue 9 added to each change:
 *
 * 1. Journal: per change, an fsynced "starting" line, an atomic rewrite of rollback.sql (it must
 *    undo the newest change first) and an fsynced block in repair.sql. The rewrite grows with the
 *    number of changes so far; this shows the per-change cost stays dominated by the fsyncs for any
 *    realistic run (hundreds of changes), against a DDL commit that costs an fsync of its own.
 * 2. Verification of a move: the storage check (OID, relfilenode, estimate: catalog only) against
 *    the `count(*)` it replaces on large tables.
 *
 *   node dist/test/bench/journal.bench.js
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RunJournal } from '../../src/report/journal.js';
import { storageOf } from '../../src/repair/storage.js';
import type { MoveRelationAction, RepairRecord } from '../../src/repair/types.js';
import { createTestDatabase, withClient } from '../helpers/database.js';
import { collected } from '../helpers/collected.js';
import { printTable, type Target, runBench } from './measure.js';

const SIZES = [10, 100, 1000] as const;
const ROWS = 1_000_000;

function record(i: number): RepairRecord {
  const name = `table_${i}`;
  const action: MoveRelationAction = {
    kind: 'move-relation',
    findings: [collected({ kind: 'missing-relation', name, message: `relation "${name}" does not exist`, language: 'en' })],
    relation: { oid: 16_000 + i, schema: 'test_schema', name, kind: 'table', rowEstimate: 100, isPartition: false },
    fromSchema: 'test_schema',
    toSchema: 'public',
    sql: `ALTER TABLE "test_schema"."${name}" SET SCHEMA "public";`,
    rollbackSql: `ALTER TABLE "public"."${name}" SET SCHEMA "test_schema";`,
  };
  return { action, status: 'applied', startedAt: new Date().toISOString(), warnings: [] };
}

async function journalMsPerChange(changes: number, parent: string): Promise<number> {
  const journal = await RunJournal.open({
    parent,
    name: `bench-${changes}`,
    header: { startedAt: new Date().toISOString(), database: 'postgres://bench@127.0.0.1/bench', targetSchema: 'public', sourceSchemas: ['test_schema'] },
  });
  const started = performance.now();
  for (let i = 0; i < changes; i++) {
    const r = record(i);
    await journal.intend(1, r.action, new Date());
    await journal.committed(1, r);
  }
  if (journal.writeFailure) throw journal.writeFailure;
  return (performance.now() - started) / changes;
}

await runBench(async (teardowns) => {
  const parent = await mkdtemp(join(tmpdir(), 'smoke-fix-bench-journal-'));
  teardowns.teardown(() => rm(parent, { recursive: true, force: true }));
  const perChange: Record<number, number> = {};
  for (const n of SIZES) perChange[n] = await journalMsPerChange(n, parent);
  console.log(`journal: ms per change (starting line + rollback.sql rewrite + repair.sql block, each fsynced), node ${process.version}\n`);
  printTable(SIZES.map((n) => ({ changes: String(n), 'ms per change': perChange[n]!, 'total ms': perChange[n]! * n })));

  const db = await createTestDatabase(teardowns);
  await db.exec(`CREATE SCHEMA test_schema; CREATE TABLE test_schema.big (id int PRIMARY KEY, v text);
    INSERT INTO test_schema.big SELECT g, 'row ' || g FROM generate_series(1, ${ROWS}) g; ANALYZE test_schema.big;`);
  const times = await withClient(db.url, async (c) => {
    const t0 = performance.now();
    const storage = await storageOf(c, { schema: 'test_schema', name: 'big' });
    const t1 = performance.now();
    await c.query('SELECT count(*) FROM test_schema.big');
    const t2 = performance.now();
    return { storage: t1 - t0, count: t2 - t1, bytes: storage?.bytes ?? 0 };
  });
  console.log(`\nverification of a ${ROWS.toLocaleString('en')}-row table (${(times.bytes / 2 ** 20).toFixed(0)} MiB)\n`);
  printTable([
    { check: 'storage (OID, relfilenode, estimate)', ms: times.storage },
    { check: 'count(*)', ms: times.count },
  ]);
  const targets: Target[] = [
    // Linear in total: the per-change cost at 1,000 changes stays within 4x of that at 10.
    { name: 'journal ms per change, 1000 vs 10 changes (ratio)', measured: perChange[1000]! / perChange[10]!, unit: 'x', want: 'at-most', limit: 4 },
    { name: 'storage check on a 1M-row table', measured: times.storage, unit: 'ms', want: 'at-most', limit: 50 },
  ];
  return targets;
});
