/**
 * smoke-fix run against an app of another stack, through the library call the CLI makes: the
 * config is written as YAML (as a user would), loaded with `${VAR}`s from `env`, and run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runWithConfig, type RunOutput } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from './temp.js';

export async function runSmokeFix(
  t: { teardown(fn: () => unknown): void },
  options: { yaml: string; env: Record<string, string> },
): Promise<RunOutput> {
  const dir = await tempDir(t, 'smoke-fix-stack-');
  const file = join(dir, 'config.yaml');
  await writeFile(file, options.yaml);
  const config = await loadConfig(file, options.env);
  return runWithConfig({ config, reportDir: join(dir, 'reports') });
}

/** Every table of `schema` (sorted), to show where an app's migrations put them. */
export async function tablesIn(
  db: { query<R extends import('pg').QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]> },
  schema: string,
): Promise<string[]> {
  const rows = await db.query<{ t: string }>(
    `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  );
  return rows.map((r) => r.t);
}
