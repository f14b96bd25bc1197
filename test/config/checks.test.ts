/** Rules across keys, each with its key path, its line, and the fix; a partial value still gets every rule that applies. */
import t from 'tap';
import { LineCounter, parseDocument } from 'yaml';
import { checkAcrossKeys, type PartialConfig } from '../../src/config/checks.js';
import { ProblemCollector } from '../../src/config/problems.js';

function check(config: PartialConfig, offsets = new Map<string, number>(), lineCounter?: LineCounter) {
  const problems = new ProblemCollector('c.yaml', lineCounter);
  checkAcrossKeys(config, { problems, offsets });
  return problems.problems.map((p) => `${p.line} ${p.path}: ${p.message}`);
}

t.test('endpoints: an undefined profile (with a suggestion), a duplicate name (with its line), a body on GET', async (t) => {
  const source = 'endpoints:\n  - name: home\n  - name: home\n';
  const lineCounter = new LineCounter();
  parseDocument(source, { lineCounter });
  // As the validator records them; a key with no node of its own (auth, body here) falls back to its endpoint's.
  const first = source.indexOf('name');
  const second = source.lastIndexOf('name');
  const offsets = new Map([['endpoints[0]', first], ['endpoints[0].name', first], ['endpoints[1]', second], ['endpoints[1].name', second]]);
  t.same(
    check({
      auth: { member: {}, admin: {} },
      endpoints: [{ name: 'home', auth: 'membre' }, { name: 'home', method: 'GET', body: 'x' }, undefined],
    }, offsets, lineCounter),
    [
      '2 endpoints[0].auth: auth profile `membre` is not defined under `auth` (known profiles: `member`, `admin`); did you mean `member`?',
      '3 endpoints[1].name: duplicate endpoint name `home` (also endpoints[0], line 2): give each endpoint its own `name`',
      '3 endpoints[1].body: a GET request cannot carry a body: set `method: POST` (or PUT, PATCH), or remove `body`',
    ],
  );
  t.same(check({ auth: {}, endpoints: [{ auth: 'x' }] }), ['1 endpoints[0].auth: auth profile `x` is not defined under `auth` (no profiles are defined there yet)']);
});

t.test('schemas: system schemas, the target among the sources, a source twice', async (t) => {
  t.same(check({ database: { targetSchema: 'pg_catalog', sourceSchemas: ['information_schema', 'app', 'app', undefined] } }).map((p) => p.slice(0, p.indexOf(':'))), [
    '1 database.targetSchema',
    '1 database.sourceSchemas[0]',
    '1 database.sourceSchemas[2]',
  ]);
  t.match(check({ database: { targetSchema: 'public', sourceSchemas: ['public'] } })[0], /`public` is the target schema; a schema cannot be both the target and a source/);
  t.same(check({ database: { targetSchema: 'public', sourceSchemas: ['test_schema'] } }), []);
});

t.test('repair and history: two places for migrations, scope history without a history, two readers or none', async (t) => {
  t.match(check({ repair: { djangoMigrationsApp: 'repairs', djangoMigrations: { shop: 'x' } } }), [/repair\.djangoMigrations: .*keep `djangoMigrationsApp`/]);
  t.match(check({ repair: { scope: 'history' } }), [/repair\.scope: `scope: history` needs a `history` section/]);
  t.same(check({ repair: { scope: 'history' } }, new Map([['history', 0]])), [], 'a history section with problems of its own is not reported twice');
  t.match(check({ history: { django: {}, sql: {} } }), [/history\.sql: `history\.django` and `history\.sql` both describe/]);
  t.match(check({ history: {} }), [/^1 history: `history` needs one reader/]);
});
