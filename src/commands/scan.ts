/** `smoke-fix scan`: the whole drift from the catalog alone — no HTTP, no change. */
import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/connect.js';
import { scanDrift } from '../db/scan.js';
import { withRowCounts } from '../db/scan-rows.js';
import { describeRows } from '../db/table-rows.js';
import type { DriftScan } from '../db/types.js';
import { terminalSafe } from '../cli/terminal-safe.js';

export async function scanWithConfig(config: Awaited<ReturnType<typeof loadConfig>>): Promise<DriftScan> {
  const db = await openDatabase(config.database);
  try {
    const scan = await scanDrift(db.pool, { targetSchema: config.database.targetSchema, sourceSchemas: config.database.sourceSchemas });
    return await withRowCounts(db.pool, scan);
  } finally {
    await db.close();
  }
}

export function renderScan(scan: DriftScan): string {
  const out: string[] = [`Drift of ${scan.sourceSchemas.join(', ')} → ${scan.targetSchema}`, ''];
  out.push(`Missing from ${scan.targetSchema} (${scan.missingFromTarget.length}):`);
  for (const m of scan.missingFromTarget) {
    const r = m.relation;
    const where = m.alsoIn.length > 0 ? `  AMBIGUOUS: also in ${m.alsoIn.join(', ')}` : '';
    out.push(`  ${r.schema}.${r.name}  ${r.kind}${m.rows ? `, ${describeRows(m.rows)}` : ''}${where}`);
    if (m.moveSql) out.push(`    ${m.moveSql}`);
  }
  out.push('', `In both ${scan.targetSchema} and a source schema (${scan.inBoth.length}):`);
  for (const d of scan.inBoth) out.push(`  ${describeDuplicate(d)}`);
  out.push('', `Column differences (${scan.columnDifferences.length} table(s)):`);
  for (const c of scan.columnDifferences) {
    out.push(`  ${c.table} (${scan.targetSchema} vs ${c.sourceSchema}):`);
    for (const col of c.onlyInSource) out.push(`    only in ${c.sourceSchema}: ${col.name} ${col.type}${col.notNull ? ' NOT NULL' : ''}${col.default ? ' DEFAULT ' + col.default : ''}`);
    for (const col of c.onlyInTarget) out.push(`    only in ${scan.targetSchema}: ${col.name} ${col.type}`);
  }
  if (scan.missingFromTarget.length + scan.inBoth.length + scan.columnDifferences.length === 0) out.push('', 'No drift.');
  return out.join('\n') + '\n';
}

function describeDuplicate(d: DriftScan['inBoth'][number]): string {
  return `${d.name}: in ${d.target.schema} (${d.target.kind}) and ${d.source.schema} (${d.source.kind})`;
}

export async function scanCommand(options: { file: string; json: boolean; env?: NodeJS.ProcessEnv }): Promise<number> {
  const config = await loadConfig(options.file, options.env ?? process.env);
  const scan = await scanWithConfig(config);
  process.stdout.write(options.json ? JSON.stringify(scan, null, 2) + '\n' : terminalSafe(renderScan(scan), { keepNewlines: true }));
  return 0;
}
