/**
 * `repair.djangoMigrationsApp`: every repair migration goes into ONE app the project owns, never
 * into a packaged app's folder (allauth's `0003_…` from its next release would collide with a
 * `0003_smoke_fix_repair_…` written there, and site-packages is no place for project files).
 * The file depends on the owned app's own latest migration and on the latest APPLIED migration
 * of each app whose tables it repairs (read from `django_migrations`), so on another copy Django
 * runs it only after those tables were created.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { actionName } from '../repair/describe.js';
import type { RepairRecord } from '../repair/types.js';
import { latestMigrations, migrationName, owningApp, renderDjangoMigration, type WriteDjangoMigrationsResult } from './django.js';

export interface WriteOwnedAppMigrationInput {
  readonly records: readonly RepairRecord[];
  /** The owned app and its migrations folder (`repair.djangoMigrationsApp`). */
  readonly app: string;
  readonly dir: string;
  /** App label → its latest applied migration (`latestAppliedMigrations`). */
  readonly latestApplied: ReadonlyMap<string, string>;
  readonly now?: Date | undefined;
}

export async function writeOwnedAppMigration(input: WriteOwnedAppMigrationInput): Promise<WriteDjangoMigrationsResult> {
  const records = input.records.filter((r) => r.status === 'applied'); // planned and failed changed nothing
  if (records.length === 0) return { written: [], skipped: [] };
  const folder = resolve(input.dir);
  let files: string[];
  try {
    files = await readdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const reason = `cannot read migrations folder ${folder} of app "${input.app}" (repair.djangoMigrationsApp) (${code})`;
    return { written: [], skipped: records.map((r) => ({ object: actionName(r.action), reason })) };
  }
  const labels = [...input.latestApplied.keys()];
  const others = new Map<string, string>();
  for (const record of records) {
    // A table no app label prefixes (contrib tables named django_*) needs no ordering of its own.
    const owner = owningApp(actionName(record.action), labels);
    if (owner && owner !== input.app) others.set(owner, input.latestApplied.get(owner)!);
  }
  const now = input.now ?? new Date();
  const latest = latestMigrations(files);
  const name = migrationName(latest.number + 1, now);
  const path = join(folder, `${name}.py`);
  const text = renderDjangoMigration({
    appLabel: input.app,
    dependencies: latest.names,
    otherDependencies: [...others].sort(([a], [b]) => a.localeCompare(b)).map(([app, migration]) => ({ app, name: migration })),
    records,
    now,
  });
  // 'wx': never overwrite a migration, even one that appeared since the folder was read.
  await writeFile(path, text, { flag: 'wx' });
  return { written: [path], skipped: [] };
}
