/** `repair.djangoMigrationsApp`: its shape, its path, and the clear error beside the old key. */
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { MINIMAL, writeConfig } from './write-config.js';

t.test('one owned app with its folder, resolved against the config file; absent means not set', async (t) => {
  const file = writeConfig(t, `${MINIMAL}repair:\n  djangoMigrationsApp: { app: ops, dir: ops/migrations }\n`);
  const config = await loadConfig(file, {});
  t.same(config.repair.djangoMigrationsApp, { app: 'ops', dir: join(file, '..', 'ops', 'migrations') });
  const plain = await loadConfig(writeConfig(t, MINIMAL), {});
  t.equal(plain.repair.djangoMigrationsApp, undefined);
  t.same(plain.repair.djangoMigrations, {}, 'the old key keeps its default');
});

t.test('both keys: one error that says which to keep, at the old key\'s line', async (t) => {
  const yaml = `${MINIMAL}repair:\n  djangoMigrations: { allauth: /usr/lib/python3/dist-packages/allauth/account/migrations }\n  djangoMigrationsApp: { app: ops, dir: ops/migrations }\n`;
  const err = await loadConfig(writeConfig(t, yaml), {}).catch((e: unknown) => e);
  t.ok(err instanceof ConfigError);
  t.match((err as ConfigError).message, /:7:\d+ repair\.djangoMigrations: .*keep `djangoMigrationsApp`.*remove `djangoMigrations`/);
});

t.test('a missing dir or a bad label says what to write', async (t) => {
  const err = await loadConfig(writeConfig(t, `${MINIMAL}repair:\n  djangoMigrationsApp: { app: my-ops }\n`), {}).catch((e: unknown) => e);
  t.ok(err instanceof ConfigError);
  t.match((err as ConfigError).message, /repair\.djangoMigrationsApp\.dir: `dir` is required: add `dir: ops\/migrations`/);
  t.match((err as ConfigError).message, /repair\.djangoMigrationsApp\.app: .*Django app label/);
});
