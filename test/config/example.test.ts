import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { DEFAULTS } from '../../src/config/defaults.js';
import { TOP_LEVEL_ONLY } from '../../src/config/fleet-spec.js';
import { CONFIG_SPEC } from '../../src/config/config-spec.js';
import type { Spec } from '../../src/config/spec-types.js';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema.js';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import { secretsOf } from '../../src/config/secrets.js';
import { MINIMAL, writeConfig } from './write-config.js';

// Tests run compiled from dist/test/config; the committed files are at the repository root.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLE = resolve(root, 'config/example.yaml');
const SCHEMA = resolve(root, 'config/smoke-fix.schema.json');

const exampleEnv = {
  DATABASE_URL: 'postgres://app:db-pa%40ss@127.0.0.1:5432/app',
  ALICE_PW: 'alice-pw',
  ROOT_PW: 'root-pw',
  API_TOKEN: 'api-token',
  PARTNER_PW: 'partner-pw',
  SERVICE_KEY: 'service-key',
};

t.test('config/example.yaml loads without problems when its variables are set', async (t) => {
  t.match(readFileSync(EXAMPLE, 'utf8').split('\n')[0], '# yaml-language-server: $schema=./smoke-fix.schema.json');
  const config = await loadConfig(EXAMPLE, exampleEnv);
  t.equal(config.baseUrl, 'http://127.0.0.1:8000', '${BASE_URL:-…} falls back to its default');
  t.equal(config.database.url, exampleEnv.DATABASE_URL);
  t.same(Object.keys(config.auth), ['member', 'admin', 'api', 'partner', 'service']);
  t.same(config.endpoints.map((e) => e.name), ['/health', 'public profile', 'settings', 'admin', 'api search']);
  t.equal(config.report.dir, resolve(dirname(EXAMPLE), 'reports'));
});

t.test('config/example.yaml names every variable it needs', async (t) => {
  const { problems } = await validateConfigFile(EXAMPLE, {});
  t.same(
    problems.map((p) => p.message.match(/variable (\w+) is not set/)?.[1]).sort(),
    Object.keys(exampleEnv).sort(),
    'one problem per unset variable, and nothing else',
  );
});

t.test('secretsOf finds every secret value, in the forms a log could show', async (t) => {
  const config = await loadConfig(EXAMPLE, exampleEnv);
  t.same(
    secretsOf(config).sort(),
    ['db-pa%40ss', 'db-pa@ss', 'alice-pw', 'alice:alice-pw', 'root-pw', 'root:root-pw', 'api-token', 'partner-pw', 'partner:partner-pw', 'service-key'].sort(),
  );

  const file = writeConfig(
    t,
    MINIMAL + '  - { path: /a, headers: { Cookie: sessionid=abc123, Accept: text/html } }\nhttp:\n  headers: { Authorization: Basic dXNlcjpwdw==, User-Agent: smoke-fix }\n',
    'headers.yaml',
  );
  t.same(
    secretsOf(await loadConfig(file, {})).sort(),
    ['Basic dXNlcjpwdw==', 'dXNlcjpwdw==', 'sessionid=abc123'].sort(),
    'every header value but public standard ones (Accept, User-Agent), and the credential inside it; no password in the URL',
  );
});

t.test('config/smoke-fix.schema.json is the one the key table generates', async (t) => {
  // If this fails: npx tsc -p . && node dist/src/config/write-schema.js
  t.equal(readFileSync(SCHEMA, 'utf8'), configJsonSchemaText());
});

t.test('the defaults the schema documents are the defaults the loader applies', async (t) => {
  const config = await loadConfig(writeConfig(t, MINIMAL), {});
  const schema = configJsonSchema() as { properties: Record<string, { properties?: Record<string, { default?: unknown }>; default?: unknown }> };
  const documented: [string, unknown, unknown][] = [];
  for (const [section, s] of Object.entries(schema.properties)) {
    if (s.default !== undefined) documented.push([section, s.default, (config as unknown as Record<string, unknown>)[section]]);
    for (const [key, k] of Object.entries(s.properties ?? {})) {
      const loaded = ((config as unknown as Record<string, Record<string, unknown>>)[section] ?? {})[key];
      if (k.default !== undefined) documented.push([`${section}.${key}`, k.default, loaded]);
    }
  }
  t.ok(documented.length >= 15, `${documented.length} documented defaults`);
  for (const [path, doc, loaded] of documented) {
    // Paths are documented as written and loaded resolved against the config file's folder.
    const expected = path === 'report.dir' ? resolve(dirname(config.file), doc as string) : doc;
    t.same(loaded, expected, path);
  }
  t.equal(config.endpoints[0]?.method, DEFAULTS.endpoint.method);
  t.same(config.endpoints[0]?.expect, DEFAULTS.endpoint.expect);
});

/**
 * Default of every key, by key name, from the key table (names with one meaning only). The fleet
 * keys are left out: the example is a single-target config, a target repeats the top-level keys,
 * and `fleet.concurrency` is another `concurrency` than `http.concurrency`.
 */
function defaultsByName(spec: Spec, out = new Map<string, unknown[]>()): Map<string, unknown[]> {
  if (spec.kind === 'object') {
    for (const [name, field] of Object.entries(spec.fields)) {
      if (spec === CONFIG_SPEC && (TOP_LEVEL_ONLY as readonly string[]).includes(name) && name !== 'report') continue;
      if (field.default !== undefined) out.set(name, [...(out.get(name) ?? []), field.default]);
      defaultsByName(field.spec, out);
    }
  } else if (spec.kind === 'list') defaultsByName(spec.items, out);
  else if (spec.kind === 'map') defaultsByName(spec.values, out);
  else if (spec.kind === 'tagged') for (const v of Object.values(spec.variants)) defaultsByName(v, out);
  return out;
}

t.test('the `# default X` comments of config/example.yaml match the key table', async (t) => {
  const defaults = defaultsByName(CONFIG_SPEC);
  const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
  let checked = 0;
  for (const [i, line] of lines.entries()) {
    const m = /^\s*(\w+):.*#.*\bdefault ([^\s;]+|\[[^\]]*\])$/.exec(line);
    if (!m) continue;
    const [, key, written] = m as unknown as [string, string, string];
    const known = defaults.get(key) ?? [];
    t.equal(known.length, 1, `line ${i + 1}: \`${key}\` has one default in the key table`);
    const documented: unknown = parse(written);
    // `expect` documents its default as a single status, which the loader turns into a list.
    const expected = Array.isArray(known[0]) && !Array.isArray(documented) ? [documented] : documented;
    t.same(expected, known[0], `line ${i + 1}: ${key}`);
    checked++;
  }
  t.ok(checked >= 15, `${checked} documented defaults checked`);
});
