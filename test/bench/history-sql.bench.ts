/**
 * Reading a plain-SQL migration folder's history (`history.sql`, Flyway format): the history table
 * read once, each recorded file read and cut into statements by the PostgreSQL parser. A Flyway
 * folder of 250 and then 1,000 generated migrations (5 statements each, one with a `$$` function
 * body holding `;`) and its `flyway_schema_history` rows on a real PostgreSQL; median of 5 reads.
 * Each read is checked (migration count, statement count, no warning), so a fast wrong answer fails.
 *
 *   node dist/test/bench/history-sql.bench.js     # embedded PostgreSQL, as locate.bench
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flywayChecksum } from '../../src/history/sql/flyway.js';
import { readSqlHistory } from '../../src/history/sql/index.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { median, printTable, timeRuns, type Target, runBench } from './measure.js';

const SIZES = [250, 1000] as const;
const STATEMENTS = 5;
const RUNS = 5;
/** Limits leave room for a slower machine; see README.md (test/bench) for the figures measured. */
const MAX_READ_1000_MS = 5_000;
/** Time for 1,000 ÷ time for 250: ≈ 4 when linear (less with the fixed connection cost), ≈ 16 when quadratic. */
const MAX_RATIO = 6;

function migration(i: number): string {
  return `CREATE TABLE t${i} (id bigserial PRIMARY KEY, name varchar(50) NOT NULL, note text DEFAULT 'a;b');
CREATE INDEX t${i}_name_idx ON t${i} (name);
ALTER TABLE t${i} ADD COLUMN f${i} integer DEFAULT ${i} NOT NULL;
ALTER TABLE t${i} ALTER COLUMN f${i} DROP DEFAULT;
CREATE FUNCTION f${i}() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN ${i}; END $$;
`;
}

await runBench(async (teardowns) => {
  stopSharedServerAtEnd(teardowns);
  const figures: { size: number; times: number[] }[] = [];
  for (const size of SIZES) {
    const dir = await mkdtemp(join(tmpdir(), 'smoke-fix-bench-sql-'));
    teardowns.teardown(() => rm(dir, { recursive: true, force: true }));
    const db = await createTestDatabase(teardowns);
    await db.exec(`CREATE TABLE public.flyway_schema_history (installed_rank integer NOT NULL PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL,
      type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
      execution_time integer NOT NULL, success boolean NOT NULL)`);
    const rows: string[] = [];
    for (let i = 1; i <= size; i++) {
      const sql = migration(i);
      await writeFile(join(dir, `V${i}__step_${i}.sql`), sql);
      rows.push(`(${i}, '${i}', 'step ${i}', 'SQL', 'V${i}__step_${i}.sql', ${flywayChecksum(sql)}, 'app', now(), 3, true)`);
    }
    await db.exec(`INSERT INTO public.flyway_schema_history VALUES ${rows.join(',\n')}`);
    const times = await timeRuns({
      runs: RUNS,
      warmup: 1,
      fn: async () => {
        const h = await readSqlHistory({ dir, format: 'flyway' }, { databaseUrl: db.url, connectRetries: 1, schemas: ['public', 'test_schema'] });
        const statements = h.migrations.reduce((n, m) => n + m.statements.length, 0);
        if (h.migrations.length !== size || statements !== size * STATEMENTS || h.warnings.length > 0) {
          throw new Error(`read ${h.migrations.length} migrations, ${statements} statements, warnings ${JSON.stringify(h.warnings.slice(0, 3))}`);
        }
      },
    });
    figures.push({ size, times });
  }
  const [small, big] = figures as [(typeof figures)[0], (typeof figures)[0]];
  printTable(
    figures.map((f) => ({
      read: `${f.size} Flyway migrations (${f.size * STATEMENTS} statements)`,
      'ms (median)': median(f.times),
      'ms (min)': Math.min(...f.times),
      'ms (max)': Math.max(...f.times),
      'ms per migration': median(f.times) / f.size,
    })),
  );
  const targets: Target[] = [
    { name: `read ${big.size} migrations, median`, measured: median(big.times), unit: 'ms', want: 'at-most', limit: MAX_READ_1000_MS },
    { name: `time for ${big.size} ÷ time for ${small.size} (linear ≈ 4)`, measured: median(big.times) / median(small.times), unit: '×', want: 'at-most', limit: MAX_RATIO },
  ];
  return targets;
});
