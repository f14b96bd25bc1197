/** `scan`'s row figures: each misplaced table's rows from `tableRows` (exact when small). */
import { tableKey, tableRows } from './table-rows.js';
import type { DriftScan, Queryable } from './types.js';

export async function withRowCounts(db: Queryable, scan: DriftScan): Promise<DriftScan> {
  const tables = scan.missingFromTarget.map((m) => m.relation).filter((r) => r.kind === 'table' || r.kind === 'partitioned-table' || r.kind === 'materialized-view');
  const rows = await tableRows(db, tables);
  return {
    ...scan,
    missingFromTarget: scan.missingFromTarget.map((m) => {
      const r = rows.get(tableKey(m.relation));
      return r ? { ...m, rows: r } : m;
    }),
  };
}
