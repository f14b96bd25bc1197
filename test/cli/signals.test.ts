/**
 * SIGTERM during a probe that hangs (issue 9): Kubernetes gives 30 s, cron wrappers less. The
 * request in flight is aborted at once and the run ends within 2 s, with its report, exit 3.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { startCli } from '../security/cli.js';

stopSharedServerAtEnd(t);

t.test('SIGTERM while the app never answers: stopped within 2 s, report written, exit 3', async (t) => {
  const db = await createTestDatabase(t);
  let requested: () => void = () => {};
  const gotRequest = new Promise<void>((resolve) => (requested = resolve));
  const server = createServer(() => requested()); // never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `baseUrl: http://127.0.0.1:${(server.address() as AddressInfo).port}\ndatabase: { url: "${db.url}" }\n` +
      'endpoints: [/hangs]\nhttp: { timeoutMs: 60000 }\nreport: { dir: reports }\n',
  );
  const { child, done } = startCli(['run', file]);
  await gotRequest;
  const sentAt = performance.now();
  child.kill('SIGTERM');
  const r = await done;
  const ms = performance.now() - sentAt;
  t.comment(`SIGTERM to exit: ${ms.toFixed(0)} ms`);
  t.ok(ms < 2000, `exited ${ms.toFixed(0)} ms after SIGTERM`);
  t.equal(r.code, 3, r.stderr);
  t.match(r.stdout, /ENVIRONMENT ERROR: Interrupted \(SIGTERM\)/);
  const runs = (await readdir(join(dir, 'reports'))).filter((d) => d.endsWith('environment-error'));
  t.equal(runs.length, 1, 'a report folder was written');
  t.match(await readFile(join(dir, 'reports', runs[0]!, 'report.md'), 'utf8'), /Interrupted/);
});
