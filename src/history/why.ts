/**
 * Why it happened: the settings that put a source schema on the app's search_path, each with the
 * statement that removes it, and (with a migration history) the migrations whose objects landed in
 * a source schema, grouped by when they ran. A move repairs the symptom; these are the cause, and
 * the next `migrate` repeats the drift until they are gone.
 *
 * One catalog query for the settings (`pg_db_role_setting`: ALTER ROLE … SET, ALTER ROLE … IN
 * DATABASE … SET, ALTER DATABASE … SET) plus the session's own search_path.
 */
import { quoteIdent } from '../db/quote.js';
import type { Queryable } from '../db/types.js';
import type { HistoryDrift } from './types.js';

export interface PathSetting {
  /** `role "app" in database "shop"`, `database "shop"`, `role "app"`, `this connection`. */
  readonly where: string;
  readonly role: string | null;
  readonly database: string | null;
  readonly searchPath: string;
  /** The source schemas the path names. */
  readonly sourceSchemas: readonly string[];
  /** The statement that removes the setting (null for the session: its origin is not in the catalog). */
  readonly fix: string | null;
}

export interface MigrationBatch {
  /** `2025-12-29 14:02` … `14:05` (minutes, UTC), or null when the history has no times. */
  readonly from: string | null;
  readonly to: string | null;
  readonly migrations: readonly string[];
  /** Objects these migrations created that sit in a source schema. */
  readonly objects: readonly string[];
}

export interface WhyItHappened {
  readonly settings: readonly PathSetting[];
  readonly migrations: readonly MigrationBatch[];
}

/** Every search_path setting that applies to this database, and this session's effective path. */
export const PATH_SETTINGS_SQL = `SELECT r.rolname AS role, d.datname AS database, cfg.setting
FROM pg_catalog.pg_db_role_setting s
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
CROSS JOIN LATERAL unnest(s.setconfig) AS cfg(setting)
WHERE (s.setdatabase = 0 OR d.datname = current_database()) AND cfg.setting ILIKE 'search\\_path=%'
ORDER BY d.datname NULLS LAST, r.rolname NULLS LAST`;

export const SESSION_PATH_SQL = `SELECT current_user AS role, current_database() AS database, current_setting('search_path') AS search_path`;

interface SettingRow {
  role: string | null;
  database: string | null;
  setting: string;
}

export async function readPathSettings(db: Queryable, input: { readonly sourceSchemas: readonly string[] }): Promise<PathSetting[]> {
  const { rows } = await db.query<SettingRow & Record<string, unknown>>(PATH_SETTINGS_SQL);
  const session = await db.query<{ role: string; database: string; search_path: string }>(SESSION_PATH_SQL);
  return pathSettings({ rows, session: session.rows[0], sourceSchemas: input.sourceSchemas });
}

/** Pure: the rows → the settings that name a source schema, with their fixes. */
export function pathSettings(input: {
  readonly rows: readonly SettingRow[];
  readonly session: { role: string; database: string; search_path: string } | undefined;
  readonly sourceSchemas: readonly string[];
}): PathSetting[] {
  const out: PathSetting[] = [];
  for (const row of input.rows) {
    const searchPath = row.setting.slice('search_path='.length);
    const named = sourcesIn(searchPath, input.sourceSchemas);
    if (named.length === 0) continue;
    const role = row.role === null ? null : quoteIdent(row.role);
    const database = row.database === null ? null : quoteIdent(row.database);
    const where = role && database ? `role ${row.role} in database ${row.database}` : role ? `role ${row.role}` : `database ${row.database}`;
    const fix = role && database
      ? `ALTER ROLE ${role} IN DATABASE ${database} RESET search_path;`
      : role
        ? `ALTER ROLE ${role} RESET search_path;`
        : `ALTER DATABASE ${database} RESET search_path;`;
    out.push({ where, role: row.role, database: row.database, searchPath, sourceSchemas: named, fix });
  }
  const session = input.session;
  if (session) {
    const named = sourcesIn(session.search_path, input.sourceSchemas);
    // Already explained by a stored setting: the session path is its effect, not another cause.
    if (named.length > 0 && !out.some((s) => s.searchPath === session.search_path)) {
      out.push({
        where: `this connection (role ${session.role})`,
        role: session.role,
        database: session.database,
        searchPath: session.search_path,
        sourceSchemas: named,
        fix: null,
      });
    }
  }
  return out;
}

/** Schemas a search_path string names (`"$user", test_schema, public`), source schemas only. */
function sourcesIn(searchPath: string, sourceSchemas: readonly string[]): string[] {
  const entries = searchPath.split(',').map((e) => {
    const t = e.trim();
    return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t.toLowerCase();
  });
  return sourceSchemas.filter((s) => entries.includes(s));
}

/**
 * The migrations behind misplaced objects, grouped into batches of runs no more than `gapMinutes`
 * apart (one `migrate` run, typically), oldest first.
 */
export function migrationBatches(drift: HistoryDrift, gapMinutes = 10): MigrationBatch[] {
  const landed = drift.objects.filter((o) => o.state === 'misplaced' || o.state === 'ambiguous');
  const byMigration = new Map<string, { at: number | null; objects: string[] }>();
  for (const o of landed) {
    const ref = o.expected.createdBy;
    const at = ref.appliedAt === null ? null : Date.parse(ref.appliedAt);
    const entry = byMigration.get(ref.id) ?? { at: at !== null && Number.isNaN(at) ? null : at, objects: [] };
    entry.objects.push(`${o.foundIn.join('|')}.${o.expected.name}`);
    byMigration.set(ref.id, entry);
  }
  const sorted = [...byMigration.entries()].sort(([a, x], [b, y]) => (x.at ?? Infinity) - (y.at ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
  const batches: Array<{ from: number | null; to: number | null; migrations: string[]; objects: string[] }> = [];
  for (const [id, entry] of sorted) {
    const last = batches[batches.length - 1];
    const joins = last && (entry.at === null ? last.to === null : last.to !== null && entry.at - last.to <= gapMinutes * 60_000);
    if (last && joins) {
      last.migrations.push(id);
      last.objects.push(...entry.objects);
      last.to = entry.at;
    } else {
      batches.push({ from: entry.at, to: entry.at, migrations: [id], objects: [...entry.objects] });
    }
  }
  return batches.map((b) => ({ from: minute(b.from), to: minute(b.to), migrations: b.migrations, objects: b.objects }));
}

function minute(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
