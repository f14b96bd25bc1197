/**
 * Prisma Migrate. Its table is `_prisma_migrations (id, checksum varchar(64), finished_at,
 * migration_name, logs, rolled_back_at, started_at, applied_steps_count)` (prisma-engines,
 * schema-engine sql connector). A migration applied is one with `finished_at` set and
 * `rolled_back_at` null (`prisma migrate resolve --rolled-back` sets the latter). Files
 * `<migrations>/<migration_name>/migration.sql`; `checksum` is the SHA-256 of that file, in hex.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { listFolder, readText, splitStatements } from './folder.js';
import { findHistoryTable, readRows, requireColumns } from './history-table.js';
import { applied, iso, type FormatContext, type FormatResult } from './reader.js';

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function readPrisma(ctx: FormatContext): Promise<FormatResult> {
  const entries = await listFolder(ctx.dir, 'Prisma');
  const table = await findHistoryTable(ctx.pool, { table: ctx.table ?? '_prisma_migrations', schemas: ctx.schemas, format: 'Prisma' });
  requireColumns(table, 'Prisma', ['migration_name', 'checksum', 'finished_at', 'rolled_back_at', 'started_at']);
  const rows = await readRows<Row>(ctx.pool, table, 'migration_name, checksum, finished_at, rolled_back_at', 'started_at, finished_at, migration_name', 'Prisma');

  const warnings: string[] = [];
  const migrations = [];
  for (const row of rows) {
    if (row.rolled_back_at !== null || row.finished_at === null) {
      warnings.push(`${row.migration_name}: ${row.rolled_back_at !== null ? 'rolled back' : 'not finished (failed or running)'} in ${table.schema}.${table.name}; not replayed`);
      continue;
    }
    const file = join(row.migration_name, 'migration.sql');
    const text = await readText(ctx.dir, file);
    if (text === undefined) {
      warnings.push(`${row.migration_name}: recorded as applied in ${table.schema}.${table.name} but ${file} is not in ${ctx.dir}; what it created is unknown`);
      continue;
    }
    const sum = createHash('sha256').update(text, 'utf8').digest('hex');
    if (sum !== row.checksum) {
      warnings.push(`${file}: the file changed since Prisma applied it (checksum differs); the expectation follows the file as it is now`);
    }
    migrations.push(applied(row.migration_name, row.migration_name, iso(row.finished_at), await splitStatements(text)));
  }
  const recorded = new Set(rows.map((r) => r.migration_name));
  for (const name of entries) {
    if (!recorded.has(name) && (await readText(ctx.dir, join(name, 'migration.sql'))) !== undefined) {
      warnings.push(`${name}: on disk, not applied (not in ${table.schema}.${table.name})`);
    }
  }
  return { migrations, warnings };
}
