/** Wiring for `repair.djangoMigrationsApp`: reads `django_migrations` on its own short connection, then writes. */
import type { ResolvedConfig } from '../config/types.js';
import { openDatabase } from '../db/connect.js';
import type { RepairRecord } from '../repair/types.js';
import type { WriteDjangoMigrationsResult } from './django.js';
import { latestAppliedMigrations } from './latest-applied.js';
import { writeOwnedAppMigration } from './owned-app.js';

export async function writeIntoOwnedApp(config: ResolvedConfig, applied: readonly RepairRecord[]): Promise<WriteDjangoMigrationsResult> {
  const target = config.repair.djangoMigrationsApp!;
  let latestApplied: Map<string, string>;
  try {
    const db = await openDatabase(config.database);
    try {
      latestApplied = await latestAppliedMigrations(db.pool, config.database.targetSchema);
    } finally {
      await db.close();
    }
  } catch (error) {
    // Without the dependencies the file could run before the tables exist: write none, say why.
    const reason = `cannot read django_migrations for the dependencies of the repair migration (${error instanceof Error ? error.message : String(error)})`;
    return { written: [], skipped: applied.map((r) => ({ object: r.action.kind === 'move-relation' ? r.action.relation.name : r.action.kind === 'move-object' ? r.action.object.name : r.action.table, reason })) };
  }
  return writeOwnedAppMigration({ records: applied, app: target.app, dir: target.dir, latestApplied });
}
