/**
 * Expensive set-ups built once per test server and copied: `CREATE DATABASE … TEMPLATE` copies a
 * migrated Django site in about a tenth of a second, where `manage.py migrate` takes seconds of
 * CPU in every test that needs the same state. Templates live on the test server (one per suite
 * run under test/run.mjs) and are shared by every test file, one build at a time per key.
 */
import { createHash } from 'node:crypto';
import { quoteIdent } from '../../src/db/quote.js';
import { urlWithDatabase, withClient } from './database.js';

/**
 * Makes the database of `databaseUrl` what `build` makes of a fresh database, from the template
 * for `key`, building the template first if no test has yet. `key` must name everything the
 * result depends on (inputs, fixture contents). A database that is not fresh — anything created in
 * it, a setting, a session connected, or not owned by the connecting superuser — gets `build`
 * run on it directly, as before.
 */
export async function buildFromTemplate(databaseUrl: string, key: string, build: (url: string) => Promise<void>): Promise<void> {
  const target = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!(await isFresh(databaseUrl))) return build(databaseUrl);
  const template = `smoke_fix_template_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
  const adminUrl = urlWithDatabase(databaseUrl, 'postgres');
  await withClient(adminUrl, async (admin) => {
    // Session lock: other test files wanting the same template wait for this build, not redo it.
    await admin.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [template]);
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) {
        // Built under another name and renamed when complete: a failed build leaves no template.
        const building = `${template}_building`;
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${quoteIdent(building)}`);
        try {
          await build(urlWithDatabase(databaseUrl, building));
          await whenUnused(() => admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`));
        } catch (e) {
          await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`).catch(() => {});
          throw e;
        }
      }
      // Same name, so the test's own teardown drops the copy. FORCE: only a backend still winding
      // down can be connected here, the test itself is waiting for this.
      await admin.query(`DROP DATABASE ${quoteIdent(target)} WITH (FORCE)`);
      await whenUnused(() => admin.query(`CREATE DATABASE ${quoteIdent(target)} TEMPLATE ${quoteIdent(template)}`));
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [template]);
    }
  });
}

/**
 * `fn`, again while it fails with 55006 (object_in_use): PostgreSQL waits 5 s for the backends of
 * a build's closed connections to exit, which a loaded machine can outlast.
 */
async function whenUnused<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if ((e as { code?: string }).code !== '55006' || attempt >= 4) throw e;
    }
  }
}

/** Nothing in it but what CREATE DATABASE puts there, and nobody else connected. */
async function isFresh(databaseUrl: string): Promise<boolean> {
  return withClient(databaseUrl, async (c) => {
    const { rows } = await c.query<{ fresh: boolean }>(`
      SELECT current_setting('is_superuser') = 'on'
         AND (SELECT datdba FROM pg_database WHERE datname = current_database()) = (SELECT oid FROM pg_roles WHERE rolname = current_user)
         AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_%temp%')
         AND NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema', 'pg_toast')
                          AND nspname NOT LIKE 'pg\\_%temp%')
         AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public')
         AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public')
         AND (SELECT count(*) FROM pg_extension) = (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql')
         AND NOT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database())
         AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid())
         AS fresh`);
    return rows[0]!.fresh;
  });
}
