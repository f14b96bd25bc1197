/** The body checks of `graphql: true` and `expectNoErrors`, and their config keys. */
import t from 'tap';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { describeOutcome } from '../../src/probe/outcome.js';
import { jsonErrorsReason } from '../../src/probe/json-errors.js';
import { MINIMAL, writeConfig } from '../config/write-config.js';

const graphqlError = { message: 'relation "orders" does not exist', locations: [{ line: 1, column: 3 }], path: ['orders'] };

const cases: { name: string; body: string; graphql?: boolean; expectNoErrors?: string; want: string | undefined }[] = [
  { name: 'graphql: a non-empty errors array fails, with the first message', body: JSON.stringify({ data: { orders: null }, errors: [graphqlError] }), graphql: true, want: 'GraphQL errors: relation "orders" does not exist' },
  { name: 'graphql: more errors are counted', body: JSON.stringify({ errors: [graphqlError, { message: 'x' }, { message: 'y' }] }), graphql: true, want: 'GraphQL errors: relation "orders" does not exist (+2 more)' },
  { name: 'graphql: an empty errors array passes', body: '{"data":{"orders":[]},"errors":[]}', graphql: true, want: undefined },
  { name: 'graphql: no errors key passes', body: '{"data":{"orders":[]}}', graphql: true, want: undefined },
  { name: 'graphql: errors that is not an array is not a GraphQL error list', body: '{"data":{},"errors":null}', graphql: true, want: undefined },
  { name: 'graphql: errors nested in data are not top-level errors', body: '{"data":{"errors":[{"message":"m"}]}}', graphql: true, want: undefined },
  { name: 'graphql: a body that is not JSON fails', body: '<html>oops</html>', graphql: true, want: 'graphql: the body is not JSON' },
  { name: 'expectNoErrors: non-empty array at the path fails', body: '{"data":{"result":{"errors":["relation \\"x\\" does not exist"]}}}', expectNoErrors: 'data.result.errors', want: 'data.result.errors: relation "x" does not exist' },
  { name: 'expectNoErrors: empty array passes', body: '{"data":{"result":{"errors":[]}}}', expectNoErrors: 'data.result.errors', want: undefined },
  { name: 'expectNoErrors: null passes', body: '{"data":{"result":{"errors":null}}}', expectNoErrors: 'data.result.errors', want: undefined },
  { name: 'expectNoErrors: absent path passes', body: '{"data":{}}', expectNoErrors: 'data.result.errors', want: undefined },
  { name: 'expectNoErrors: a string fails', body: '{"error":"column \\"y\\" does not exist"}', expectNoErrors: 'error', want: 'error: column "y" does not exist' },
  { name: 'expectNoErrors: an object fails, its message shown', body: '{"error":{"message":"boom","code":"42P01"}}', expectNoErrors: 'error', want: 'error: boom' },
  { name: 'expectNoErrors: a numeric key indexes an array', body: '{"results":[{"errors":["e"]}]}', expectNoErrors: 'results.0.errors', want: 'results.0.errors: e' },
  { name: 'expectNoErrors: an inherited key is not a value', body: '{"data":{}}', expectNoErrors: 'data.constructor', want: undefined },
  { name: 'no check configured: any body passes', body: 'not json', want: undefined },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.equal(jsonErrorsReason(c.body, { graphql: c.graphql, expectNoErrors: c.expectNoErrors }), c.want);
  });
}

t.test('a truncated body says so', async (t) => {
  t.equal(jsonErrorsReason('{"errors":[', { graphql: true }, true), 'graphql: the body was cut at http.maxBodyBytes and is not valid JSON');
});

t.test('the outcome: an expected status with errors in the body is not ok; another status keeps its own reason', async (t) => {
  const body = JSON.stringify({ errors: [graphqlError] });
  const base = { expected: [200], body, attempts: 1, jsonChecks: { graphql: true } };
  t.same(describeOutcome({ ...base, status: 200 }), { ok: false, reason: 'GraphQL errors: relation "orders" does not exist' });
  t.same(describeOutcome({ ...base, status: 500 }), { ok: false, reason: '500' });
  t.same(describeOutcome({ ...base, status: 200, jsonChecks: undefined }), { ok: true });
});

t.test('config: graphql is off when absent, both keys load', async (t) => {
  const config = await loadConfig(
    writeConfig(t, MINIMAL.replace('  - /health\n', '  - /health\n  - { path: /graphql, graphql: true, expectNoErrors: data.result.errors }\n')),
    {},
  );
  t.equal(config.endpoints[0]!.graphql, undefined);
  t.equal(config.endpoints[1]!.graphql, true);
  t.equal(config.endpoints[1]!.expectNoErrors, 'data.result.errors');
});

t.test('config: a bad path and a non-boolean graphql are reported at their line', async (t) => {
  const file = writeConfig(t, MINIMAL.replace('  - /health\n', '  - { path: /a, expectNoErrors: "data..errors" }\n  - { path: /b, graphql: yes please }\n'));
  const err = await loadConfig(file, {}).catch((e: unknown) => e);
  t.ok(err instanceof ConfigError);
  t.match((err as ConfigError).problems, [
    { line: 5, message: /dotted JSON path of keys, e\.g\. `errors` or `data\.result\.errors`/ },
    { line: 6, message: /expected true or false/ },
  ]);
});
