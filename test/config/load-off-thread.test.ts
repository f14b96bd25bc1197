import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { loadConfigOffThread } from '../../src/config/load-off-thread.js';
import { InvalidConfigError } from '../../src/errors.js';
import { MINIMAL, writeConfig } from './write-config.js';

const EXAMPLE = join(process.cwd(), 'config', 'example.yaml');
const ENV = { DATABASE_URL: 'postgres://app:s3cret-pw@127.0.0.1:5432/app', ALICE_PW: 'alice-pw-1', ROOT_PW: 'root-pw-1', API_TOKEN: 'token-from-env', PARTNER_PW: 'partner-pw-1', SERVICE_KEY: 'service-key-1' };

t.test('the worker reads the same config as the main thread, frozen the same way', async (t) => {
  for (const file of [writeConfig(t, MINIMAL), EXAMPLE]) {
    const here = await loadConfig(file, ENV).catch((error: unknown) => error);
    const there = await loadConfigOffThread(file, ENV).catch((error: unknown) => error);
    t.same(there, here, `${file}: same value or same error`);
    t.notOk(here instanceof Error, `${file} loads`);
    const config = there as Awaited<ReturnType<typeof loadConfig>>;
    t.ok(Object.isFrozen(config) && Object.isFrozen(config.endpoints[0]) && Object.isFrozen(config.endpoints[0]!.expect), 'frozen all the way down');
  }
});

t.test('an invalid config fails with every problem, as loadConfig does', async (t) => {
  const file = writeConfig(t, 'baseUrl: 12\nendpoints: []\ntimeout: 5\n');
  const here = await loadConfig(file, {}).catch((error: unknown) => error);
  const there = await loadConfigOffThread(file, {}).catch((error: unknown) => error);
  t.type(there, InvalidConfigError);
  t.equal((there as Error).message, (here as Error).message, 'the same message, line by line');
  t.same((there as InvalidConfigError).problems, (here as InvalidConfigError).problems);
  t.ok((there as InvalidConfigError).problems.length >= 3, 'every problem, not the first');
});

t.test('the environment is the one given, not the process’s', async (t) => {
  const file = writeConfig(t, 'baseUrl: http://127.0.0.1:8000\ndatabase:\n  url: ${ONLY_GIVEN}\nendpoints: [/]\n');
  const config = await loadConfigOffThread(file, { ONLY_GIVEN: 'postgres://x@127.0.0.1/y' });
  t.equal(config.database.url, 'postgres://x@127.0.0.1/y');
  await t.rejects(loadConfigOffThread(file, {}), InvalidConfigError, 'unset there: a config error naming the variable');
});

t.test('a missing file is a config error, not a crash of the worker', async (t) => {
  await t.rejects(loadConfigOffThread(join(t.testdir({}), 'nope.yaml'), {}), { name: 'InvalidConfigError', message: /no such file/ });
});
