/**
 * buildExpectedSchema on a synthetic Django-like history: 100 migrations of 20 statements each
 * (2,000 statements: CREATE TABLE with serial keys, FKs added DEFERRABLE, `_like` indexes, the
 * NOT NULL add/drop-default pair, type changes, renames), then the same with 200 migrations.
 *   - ms and statements/s for 2,000 statements (median of 7, the WASM module already loaded);
 *   - time for 4,000 ÷ time for 2,000: linear ≈ 2, quadratic ≈ 4.
 * Each model is checked (relation count, nothing unfollowed), so a fast wrong answer fails.
 *
 *   node dist/test/bench/history.bench.js
 */
import { performance } from 'node:perf_hooks';
import { buildExpectedSchema } from '../../src/history/expected/index.js';
import type { MigrationHistory } from '../../src/history/types.js';
import { median, printTable, timeRuns, verdict, type Target } from './measure.js';

const RUNS = 7;
/** Measured on 2 shared cores: see README.md. The limit leaves room for a slower machine. */
const MIN_STATEMENTS_PER_S = 2_000;
/** Linear ≈ 2, quadratic ≈ 4. */
const MAX_RATIO = 3;

function migration(i: number): string[] {
  const a = `app${i}_item`;
  const b = `app${i}_detail`;
  const prev = `app${i - 1}_item`;
  return [
    'BEGIN;',
    '--',
    `-- Create model Item`,
    '--',
    `CREATE TABLE "${a}" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL, "created" timestamp with time zone NOT NULL, "owner_id" integer NULL, "score" numeric(10, 2) NULL);`,
    `CREATE TABLE "${b}" ("id" bigserial NOT NULL PRIMARY KEY, "item_id" integer NOT NULL, "slug" varchar(50) NOT NULL UNIQUE, "data" jsonb NULL);`,
    `ALTER TABLE "${b}" ADD CONSTRAINT "${b}_item_id_fk_${a}_id" FOREIGN KEY ("item_id") REFERENCES "${a}" ("id") DEFERRABLE INITIALLY DEFERRED;`,
    `CREATE INDEX "${b}_item_id_idx" ON "${b}" ("item_id");`,
    `CREATE INDEX "${b}_slug_like" ON "${b}" ("slug" varchar_pattern_ops);`,
    i > 0
      ? `ALTER TABLE "${a}" ADD CONSTRAINT "${a}_owner_id_fk_${prev}_id" FOREIGN KEY ("owner_id") REFERENCES "${prev}" ("id") DEFERRABLE INITIALLY DEFERRED;`
      : `ALTER TABLE "${a}" ADD CONSTRAINT "${a}_owner_id_fk_${a}_id" FOREIGN KEY ("owner_id") REFERENCES "${a}" ("id") DEFERRABLE INITIALLY DEFERRED;`,
    `CREATE INDEX "${a}_owner_id_idx" ON "${a}" ("owner_id");`,
    `ALTER TABLE "${a}" ADD COLUMN "flag" boolean DEFAULT false NOT NULL;`,
    `ALTER TABLE "${a}" ALTER COLUMN "flag" DROP DEFAULT;`,
    `ALTER TABLE "${a}" ALTER COLUMN "name" TYPE varchar(200) USING "name"::varchar(200);`,
    `ALTER TABLE "${a}" ADD CONSTRAINT "${a}_name_owner_uniq" UNIQUE ("name", "owner_id");`,
    `CREATE INDEX "${a}_created_idx" ON "${a}" ("created");`,
    `ALTER TABLE "${b}" RENAME COLUMN "data" TO "payload";`,
    `ALTER TABLE "${b}" ALTER COLUMN "payload" SET NOT NULL, ADD COLUMN "rank" integer NULL CHECK ("rank" >= 0);`,
    `ALTER TABLE "${b}" RENAME TO "${b}s";`,
    `ALTER INDEX "${b}_slug_like" RENAME TO "${b}s_slug_like";`,
    `ALTER TABLE "${a}" DROP COLUMN "score" CASCADE;`,
    `COMMENT ON TABLE "${a}" IS 'items';`,
    'COMMIT;',
  ];
}

function history(migrations: number): MigrationHistory {
  return {
    source: 'django',
    warnings: [],
    durationMs: 0,
    migrations: Array.from({ length: migrations }, (_, i) => ({
      id: `app${i}.0001_initial`,
      appliedAt: null,
      name: '0001_initial',
      statements: migration(i),
      notes: [],
    })),
  };
}

async function measure(migrations: number) {
  const input = history(migrations);
  const check = await buildExpectedSchema(input, { targetSchema: 'public' });
  // Each migration leaves 2 tables and their 2 sequences.
  if (check.relations.size !== migrations * 4 || check.unfollowed.length > 0) {
    throw new Error(`wrong model for ${migrations} migrations: ${check.relations.size} relations, unfollowed ${JSON.stringify(check.unfollowed[0])}`);
  }
  const times = await timeRuns({ runs: RUNS, warmup: 3, fn: () => buildExpectedSchema(input, { targetSchema: 'public' }) });
  return { statements: check.statementCount, ms: median(times) };
}

const loadStarted = performance.now();
await buildExpectedSchema(history(1), { targetSchema: 'public' });
const loadMs = performance.now() - loadStarted;
// A first pass warms the JIT on both sizes; the figures come from the second.
await measure(100);
await measure(200);
const small = await measure(100);
const large = await measure(200);
const perSecond = small.statements / (small.ms / 1000);
// Medians: a single fastest run of ~70 ms swings with GC timing more than the median does.
const ratio = large.ms / small.ms;

printTable([
  { input: 'first call (loads the WASM parser)', statements: 20, 'median ms': loadMs, 'statements/s': '' },
  { input: '100 migrations', statements: small.statements, 'median ms': small.ms, 'statements/s': Math.round(perSecond) },
  { input: '200 migrations', statements: large.statements, 'median ms': large.ms, 'statements/s': Math.round(large.statements / (large.ms / 1000)) },
]);
const targets: Target[] = [
  { name: 'replay throughput, 2,000 statements', measured: Math.round(perSecond), unit: 'statements/s', want: 'at-least', limit: MIN_STATEMENTS_PER_S },
  { name: 'time for 4,000 ÷ time for 2,000 statements (linear ≈ 2)', measured: Number(ratio.toFixed(2)), unit: '×', want: 'at-most', limit: MAX_RATIO },
];
process.exit(verdict(targets));
