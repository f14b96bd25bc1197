/**
 * Issue 5's promise, on a real run: psql running rollback.sql restores the catalog exactly as it
 * was before the run; repair.sql run after it redoes the repair exactly.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { runWithConfig } from '../../src/commands/run.js';
import { loadConfig } from '../../src/config/load.js';
import { DEMO_CONFIG } from '../../src/commands/demo.js';
import { demoConfigEnv, startDemoApp } from '../../src/demo/demo-app.js';
import { DEMO_SETUP_SQL } from '../../src/demo/fixture.js';
import { catalogSnapshot } from '../helpers/catalog.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';

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
  const app = await startDemoApp(db.url);
  t.teardown(() => app.close());
  const reportDir = await tempDir(t, 'smoke-fix-roundtrip-');

  const before = await catalogSnapshot(db.url);
  const config = await loadConfig(DEMO_CONFIG, demoConfigEnv({ baseUrl: app.url, databaseUrl: db.url, reportDir }));
  const { result, reportDir: written } = await runWithConfig({ config });
  t.equal(result.outcome, 'green');
  const after = await catalogSnapshot(db.url);
  t.not(after.join('\n'), before.join('\n'), 'the run changed the catalog');

  // The demo's member logged in during the run, writing a django_session row: moving tables back
  // must keep rows written since, so that one count legitimately differs; everything else is equal.
  const comparable = (lines: string[]) => lines.filter((l) => !/^rows \S+\.django_session /.test(l));
  await psqlFile(db.url, join(written!, 'rollback.sql'));
  const rolledBack = await catalogSnapshot(db.url);
  t.same(comparable(rolledBack), comparable(before), 'rollback.sql restores the catalog and every row count');
  t.ok(rolledBack.includes('rows test_schema.django_session 1'), 'the session written during the run is kept');

  await psqlFile(db.url, join(written!, 'repair.sql'));
  t.same(await catalogSnapshot(db.url), after, 'repair.sql redoes the repair exactly');
});
