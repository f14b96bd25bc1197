/**
 * dbmate. Its table is `schema_migrations (version varchar(128) PRIMARY KEY)` (pkg/driver/postgres,
 * CreateMigrationsTable): one row per applied version, no timestamp. Files `<version>_<name>.sql`
 * holding a `-- migrate:up` and a `-- migrate:down` section (README "Creating Migrations"); only
 * the up section ran. Applied in version order, as dbmate sorts its files.
 */
import { listFolder, readText, splitStatements } from './folder.js';
import { findHistoryTable, readRows, requireColumns } from './history-table.js';
import { applied, type FormatContext, type FormatResult } from './reader.js';

const FILE = /^(\d+)_(.*)\.sql$/;
/** `-- migrate:up` may carry options (`transaction:false`); so may the down marker. */
const UP = /^--\s*migrate:up\b/;
const DOWN = /^--\s*migrate:down\b/;

/** The up section of a dbmate file: the lines after `-- migrate:up`, up to `-- migrate:down`. */
export function upSection(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => UP.test(l.trim()));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && DOWN.test(l.trim()));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

export async function readDbmate(ctx: FormatContext): Promise<FormatResult> {
  const files = (await listFolder(ctx.dir, 'dbmate')).flatMap((f) => {
    const m = FILE.exec(f);
    return m ? [{ file: f, version: m[1]!, name: m[2]! }] : [];
  });
  const table = await findHistoryTable(ctx.pool, { table: ctx.table ?? 'schema_migrations', schemas: ctx.schemas, format: 'dbmate' });
  requireColumns(table, 'dbmate', ['version']);
  const rows = await readRows<{ version: string }>(ctx.pool, table, 'version::text AS version', 'version', 'dbmate');
  const appliedVersions = new Set(rows.map((r) => r.version));

  const warnings: string[] = [];
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const v of appliedVersions) {
    if (!byVersion.has(v)) warnings.push(`version ${v}: recorded in ${table.schema}.${table.name} but no \`${v}_*.sql\` in ${ctx.dir}; what it created is unknown`);
  }
  const migrations = [];
  for (const f of [...files].sort((a, b) => a.version.localeCompare(b.version))) {
    if (!appliedVersions.has(f.version)) {
      warnings.push(`${f.file}: on disk, not applied (not in ${table.schema}.${table.name})`);
      continue;
    }
    const up = upSection((await readText(ctx.dir, f.file)) ?? '');
    const id = f.file.replace(/\.sql$/, '');
    if (up === undefined) {
      warnings.push(`${f.file}: no \`-- migrate:up\` line; dbmate ran nothing from it`);
      continue;
    }
    migrations.push(applied(id, f.name, null, await splitStatements(up)));
  }
  return { migrations, warnings };
}
