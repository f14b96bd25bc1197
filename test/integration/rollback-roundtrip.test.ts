/**
 * Issue 5's promise, on a real run: psql running rollback.sql restores the catalog exactly as it
 * was before the run; repair.sql run after it redoes the repair exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { startSqlApp } from '../../src/demo/app.js';
import { DEMO_ROUTES, DEMO_SETUP_SQL } from '../../src/demo/fixture.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';

stopSharedServerAtEnd(t);
const run = promisify(execFile);

async function psqlFile(url: string, file: string): Promise<void> {
  await run('psql', ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file]);
}

const psqlMissing = await run('psql', ['--version']).then(
  () => false as const,
  () => 'psql (postgresql-client) is not installed',
);

t.test('rollback.sql undoes a real run exactly; repair.sql redoes it exactly', { skip: psqlMissing }, async (t) => {
  const db = await createTestDatabase(t);
  await db.exec(DEMO_SETUP_SQL);
  const app = await startSqlApp({ databaseUrl: db.url, routes: DEMO_ROUTES });
  t.teardown(() => app.close());
  const reportDir = await mkdtemp(join(tmpdir(), 'smoke-fix-roundtrip-'));
  t.teardown(() => rm(reportDir, { recursive: true, force: true }));

  const before = await catalogSnapshot(db.url);
  const config = await loadConfig(join(process.cwd(), 'config', 'demo.yaml'), {
    DEMO_BASE_URL: app.url,
    DEMO_DATABASE_URL: db.url,
    SMOKE_FIX_REPORT_DIR: reportDir,
  });
  const { result, reportDir: written } = await runWithConfig({ config });
  t.equal(result.outcome, 'green');
  const after = await catalogSnapshot(db.url);
  t.not(after.join('\n'), before.join('\n'), 'the run changed the catalog');

  await psqlFile(db.url, join(written!, 'rollback.sql'));
  t.same(await catalogSnapshot(db.url), before, 'rollback.sql restores the catalog and every row count');

  await psqlFile(db.url, join(written!, 'repair.sql'));
  t.same(await catalogSnapshot(db.url), after, 'repair.sql redoes the repair exactly');
});
