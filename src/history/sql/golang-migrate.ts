/**
 * golang-migrate. Its PostgreSQL driver keeps ONE row, `schema_migrations (version bigint NOT NULL
 * PRIMARY KEY, dirty boolean NOT NULL)` (database/postgres/postgres.go, ensureVersionTable): the
 * last version applied; every file up to it ran. Files `<version>_<title>.up.sql` (MIGRATIONS.md).
 * `dirty` means that version failed midway: its statements are listed as not followed (some may
 * have run, some not), and the read says so. golang-migrate keeps no timestamps.
 */
import { listFolder, readText, splitStatements } from './folder.js';
import { findHistoryTable, readRows, requireColumns } from './history-table.js';
import { applied, type FormatContext, type FormatResult } from './reader.js';

const UP_FILE = /^(\d+)_(.+)\.up\.sql$/;

export async function readGolangMigrate(ctx: FormatContext): Promise<FormatResult> {
  const files = (await listFolder(ctx.dir, 'golang-migrate'))
    .map((f) => ({ file: f, match: UP_FILE.exec(f) }))
    .filter((f) => f.match !== null)
    .map((f) => ({ file: f.file, version: BigInt(f.match![1]!), name: f.match![2]! }))
    .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  const table = await findHistoryTable(ctx.pool, { table: ctx.table ?? 'schema_migrations', schemas: ctx.schemas, format: 'golang-migrate' });
  requireColumns(table, 'golang-migrate', ['version', 'dirty']);
  const rows = await readRows<{ version: string; dirty: boolean }>(ctx.pool, table, 'version::text AS version, dirty', 'version DESC', 'golang-migrate');

  const warnings: string[] = [];
  const row = rows[0];
  if (row === undefined) return { migrations: [], warnings };
  const current = BigInt(row.version);
  if (!files.some((f) => f.version === current)) {
    warnings.push(`version ${current}: recorded in ${table.schema}.${table.name} but no \`${current}_*.up.sql\` in ${ctx.dir}; what it created is unknown`);
  }
  if (row.dirty) {
    warnings.push(`version ${current} is dirty in ${table.schema}.${table.name}: it failed midway; its statements are listed as not followed (fix it, then \`migrate force\`)`);
  }
  const migrations = [];
  for (const f of files) {
    if (f.version > current) {
      warnings.push(`${f.file}: on disk, not applied (after version ${current})`);
      continue;
    }
    const text = (await readText(ctx.dir, f.file)) ?? '';
    const id = `${f.version}_${f.name}`;
    const dirty = row.dirty && f.version === current;
    migrations.push(applied(id, f.name, null, await splitStatements(text), dirty ? { notFollowed: 'the migration is dirty (failed midway): which of its statements ran is unknown' } : {}));
  }
  return { migrations, warnings };
}
