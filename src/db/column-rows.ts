/** The target table's rows for each column location (read only where a refusal may need them). */
import { tableKey, tableRows } from './table-rows.js';
import type { ColumnLocation, Queryable } from './types.js';

export async function withTargetRows(db: Queryable, columns: readonly ColumnLocation[], targetSchema: string): Promise<ColumnLocation[]> {
  // Only tables missing a column that a stale copy has: the ones a refusal could be about.
  const tables = [...new Set(columns.filter((c) => c.table !== null && !c.presentInTarget && c.sourceCopies.length > 0).map((c) => c.table!))];
  const rows = await tableRows(db, tables.map((name) => ({ schema: targetSchema, name })));
  return columns.map((c) => {
    const r = c.table === null ? undefined : rows.get(tableKey({ schema: targetSchema, name: c.table }));
    return r ? { ...c, targetRows: r } : c;
  });
}
