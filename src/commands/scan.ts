/** `smoke-fix scan`: the whole drift from the catalog alone — no HTTP, no change. */
import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/connect.js';
import { scanDrift } from '../db/scan.js';
import { withRowCounts } from '../db/scan-rows.js';
import { describeRows } from '../db/table-rows.js';
import type { DriftScan } from '../db/types.js';
import { loadHistory, type HistoryLoader } from '../history/load.js';
import { historyLines, historyOutcome, type HistoryOutcome } from '../history/outcome.js';
import { terminalSafe } from '../util/terminal-safe.js';

/** With `history` configured, scan also compares the catalog with what the migrations expect. */
export type ScanResult = DriftScan & { readonly history?: HistoryOutcome | undefined };

export async function scanWithConfig(config: Awaited<ReturnType<typeof loadConfig>>, load: HistoryLoader = loadHistory): Promise<ScanResult> {
  // The history first: a project that fails to load is exit 2 before any database work.
  const loaded = await load(config);
  const db = await openDatabase(config.database);
  try {
    const schemas = { targetSchema: config.database.targetSchema, sourceSchemas: config.database.sourceSchemas };
    const scan = await withRowCounts(db.pool, await scanDrift(db.pool, schemas));
    if (!loaded) return scan;
    const { outcome } = await historyOutcome(db.pool, { ...schemas, expected: loaded.expected, history: loaded.history });
    return { ...scan, history: outcome };
  } finally {
    await db.close();
  }
}

/** Exit code of `scan`: 1 when an expected object is misplaced, lost, ambiguous or different. */
export function scanExitCode(scan: ScanResult): 0 | 1 {
  return scan.history?.drift ? 1 : 0;
}

export function renderScan(scan: ScanResult): string {
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
  if (scan.history) {
    for (const section of historyLines(scan.history, scan.targetSchema)) out.push('', `${section.heading}:`, ...section.lines.map((l) => `  ${l}`));
    out.push('', scan.history.drift ? 'Drift against the migrations: yes (exit 1).' : 'Drift against the migrations: none (exit 0).');
  }
  return out.join('\n') + '\n';
}

function describeDuplicate(d: DriftScan['inBoth'][number]): string {
  return `${d.name}: in ${d.target.schema} (${d.target.kind}) and ${d.source.schema} (${d.source.kind})`;
}

export async function scanCommand(options: { file: string; json: boolean; env?: NodeJS.ProcessEnv }): Promise<number> {
  const config = await loadConfig(options.file, options.env ?? process.env);
  const scan = await scanWithConfig(config);
  process.stdout.write(options.json ? JSON.stringify(scan, null, 2) + '\n' : terminalSafe(renderScan(scan), { keepNewlines: true }));
  return scanExitCode(scan);
}
