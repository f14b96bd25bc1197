/** The fleet summary: a folder no other run shares, a report.md whose table a hostile target name cannot break, junit totals. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { claimSummaryFolder, renderFleetJunit, renderFleetMarkdown } from '../../src/fleet/report.js';
import type { FleetResult, FleetTargetResult } from '../../src/fleet/result.js';
import { tempDir } from '../helpers/temp.js';

const target = (name: string, exitCode: 0 | 1, more: Partial<FleetTargetResult> = {}): FleetTargetResult => ({
  name, exitCode, outcome: exitCode === 0 ? 'green' : 'stuck', reason: 'relation "x" is nowhere', repairsApplied: exitCode === 0 ? 2 : 0, durationMs: 1,
  testsuite: { '@_name': name, '@_tests': 3, '@_failures': exitCode, '@_errors': 0 }, ...more,
});
const result = (targets: FleetTargetResult[]): FleetResult => ({
  tool: { name: 'smoke-fix', version: '0' }, kind: 'fleet', configFile: 'f.yaml', mode: 'apply', shard: { index: 2, count: 4 },
  startedAt: '2026-11-30T05:10:00.000Z', finishedAt: '2026-11-30T05:10:02.000Z', durationMs: 2345, exitCode: 1, targets, warnings: ['a | warning\nover lines'],
});

t.test('two runs started the same second get two folders', async (t) => {
  const root = await tempDir(t);
  const at = new Date('2026-11-30T05:10:00.123Z');
  const a = await claimSummaryFolder(root, at, '-shard-2-of-4');
  const b = await claimSummaryFolder(root, at, '-shard-2-of-4');
  t.equal(a, join(root, '_fleet', '2026-11-30T05-10-00Z-shard-2-of-4'));
  t.equal(b, `${a}-2`);
  t.same((await readdir(join(root, '_fleet'))).sort(), ['2026-11-30T05-10-00Z-shard-2-of-4', '2026-11-30T05-10-00Z-shard-2-of-4-2']);
});

t.test('report.md: one row per target, hostile names escaped, the failing ones explained', async (t) => {
  const md = renderFleetMarkdown(result([target('tenant_01', 0, { report: 'tenant_01/run 1/report.md' }), target('evil | name\n# heading', 1)]));
  t.match(md, /^# smoke-fix fleet: failing \(exit 1\)\n\n2 targets \(shard 2 of 4\), mode `apply`, 1 green, 1 stuck; 2 repairs applied\. Started 2026-11-30T05:10:00\.000Z, took 2\.3 s\.\n/);
  t.match(md, '> **Warning:** a \\| warning over lines');
  t.match(md, '| tenant\\_01 | green | 0 | 2 | [report.md](tenant_01/run%201/report.md) |');
  t.match(md, '| evil \\| name # heading | stuck | 1 | 0 | — |');
  const rows = md.split('\n').filter((l) => l.startsWith('| '));
  t.equal(rows.length, 3, 'header and two rows: the name broke no line');
  t.match(md, '## Not green\n\n- **evil \\| name # heading** (stuck, exit 1): relation "x" is nowhere');
});

t.test('junit.xml: each target\'s testsuite, totals summed', async (t) => {
  const xml = renderFleetJunit(result([target('a', 0), target('b', 1)]));
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(xml) as { testsuites: Record<string, unknown> & { testsuite: { '@_name': string }[] } };
  t.match(doc.testsuites, { '@_name': 'smoke-fix fleet', '@_tests': 6, '@_failures': 1, '@_errors': 0, '@_time': '2.345' });
  t.same(doc.testsuites.testsuite.map((s) => s['@_name']), ['a', 'b']);
});
