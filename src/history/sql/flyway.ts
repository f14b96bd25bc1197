/**
 * Flyway. Its history table (default `flyway_schema_history`, in the default schema) has
 * `installed_rank, version, description, type, script, checksum, installed_by, installed_on,
 * execution_time, success` (flyway-core JdbcTableSchemaHistory / createMetaDataTable.sql).
 * Files: versioned `V<version>__<description>.sql` and repeatable `R__<description>.sql`
 * (documentation "Migrations › Naming"). Rows are replayed in `installed_rank` order, which is
 * the order Flyway ran them (repeatables after the versioned ones of the same `migrate`); a row
 * with `success = false` did not apply. A repeatable re-run after each change is replayed once, at
 * its last run, with the file's content today (Flyway keeps no older text).
 *
 * The checksum is Flyway's ChecksumCalculator: CRC-32 over the UTF-8 bytes of each line, line
 * endings and a leading BOM removed, stored as a signed 32-bit integer. `zlib.crc32` (Node ≥ 20.15,
 * hence `engines`) is that CRC-32, with the running value carried from line to line.
 */
import { crc32 } from 'node:zlib';
import { readText, listFolder, splitStatements } from './folder.js';
import { findHistoryTable, readRows, requireColumns } from './history-table.js';
import { applied, iso, type FormatContext, type FormatResult } from './reader.js';

const SQL_FILE = /^[VR][^_]*__.+\.sql$/;

interface Row {
  version: string | null;
  description: string;
  type: string;
  script: string;
  checksum: number | null;
  installed_on: Date | string | null;
  success: boolean;
}

export function flywayChecksum(text: string): number {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  // BufferedReader.readLine() yields no last empty line for a file ending in a newline.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let crc = 0;
  for (const line of lines) crc = crc32(Buffer.from(line, 'utf8'), crc);
  return crc | 0;
}

export async function readFlyway(ctx: FormatContext): Promise<FormatResult> {
  const files = new Set((await listFolder(ctx.dir, 'Flyway')).filter((f) => SQL_FILE.test(f)));
  const table = await findHistoryTable(ctx.pool, { table: ctx.table ?? 'flyway_schema_history', schemas: ctx.schemas, format: 'Flyway' });
  requireColumns(table, 'Flyway', ['installed_rank', 'version', 'description', 'type', 'script', 'checksum', 'installed_on', 'success']);
  const rows = await readRows<Row>(ctx.pool, table, 'version, description, type, script, checksum, installed_on, success', 'installed_rank', 'Flyway');

  const warnings: string[] = [];
  const lastRunOf = new Map<string, number>();
  rows.forEach((r, i) => {
    if (r.success && r.version === null) lastRunOf.set(r.script, i);
  });
  const migrations = [];
  const recorded = new Set<string>();
  for (const [i, row] of rows.entries()) {
    recorded.add(row.script);
    if (!row.success) {
      warnings.push(`${row.script}: recorded as failed (success = false) in ${table.schema}.${table.name}; not replayed`);
      continue;
    }
    // BASELINE, SCHEMA (Flyway created the schema), DELETE (a `repair` marker): no script of the folder ran.
    if (!row.type.includes('SQL') || row.type.startsWith('UNDO')) continue;
    if (row.version === null && lastRunOf.get(row.script) !== i) continue;
    const id = row.script.replace(/^.*\//, '').replace(/\.sql$/, '');
    const text = (await readText(ctx.dir, row.script)) ?? (await readText(ctx.dir, row.script.replace(/^.*\//, '')));
    if (text === undefined) {
      warnings.push(`${row.script}: recorded as applied in ${table.schema}.${table.name} but not found in ${ctx.dir}; what it created is unknown`);
      continue;
    }
    if (row.checksum !== null && flywayChecksum(text) !== row.checksum) {
      warnings.push(`${row.script}: the file changed since Flyway applied it (checksum ${flywayChecksum(text)}, recorded ${row.checksum}); the expectation follows the file as it is now`);
    }
    migrations.push(applied(id, row.description, iso(row.installed_on), await splitStatements(text)));
  }
  // `script` may hold a path under a sub-folder of the location: compare file names.
  const recordedNames = new Set([...recorded].map((s) => s.replace(/^.*\//, '')));
  for (const file of files) {
    if (file.startsWith('V') && !recordedNames.has(file)) {
      warnings.push(`${file}: on disk, not applied (not in ${table.schema}.${table.name})`);
    }
  }
  return { migrations, warnings };
}
