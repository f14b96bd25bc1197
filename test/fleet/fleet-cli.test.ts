/** The fleet through the binary where no database is needed: validate, usage errors. */
import { join } from 'node:path';
import t from 'tap';
import { cli } from '../helpers/cli.js';


t.test('validate describes a fleet whose targets carry the keys the top level lacks', async (t) => {
  const dir = t.testdir({
    'fleet.yaml': 'targets:\n  - { name: eu, baseUrl: https://eu.example.com, database: { url: "postgres://u@h/eu" }, endpoints: [ /a ] }\n',
    'one.yaml': 'baseUrl: http://127.0.0.1:1\ndatabase: { url: "postgres://u@h/x" }\nendpoints: [ /a ]\n',
  });
  const ok = await cli(['validate', join(dir, 'fleet.yaml')]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /valid — fleet of 1 named target\(s\)/);

  const single = await cli(['run', join(dir, 'one.yaml'), '--shard', '1/2']);
  t.equal(single.code, 2);
  t.match(single.stderr, /this config names one target \(add `targets` or `targetsFrom`\)/);

  const scan = await cli(['scan', join(dir, 'fleet.yaml')]);
  t.equal(scan.code, 2);
  t.match(scan.stderr, /this config names a fleet/);

  const report = await cli(['fleet-report', dir]);
  t.equal(report.code, 2);
  t.match(report.stderr, /holds neither fleet.json nor a _fleet\/ folder/);
});
