import t from 'tap';
import { fleetProgressLine, fleetSummaryText } from '../../src/cli/fleet-render.js';
import type { FleetResult, FleetTargetResult } from '../../src/fleet/result.js';

const target = (name: string, exitCode: 0 | 1 | 2 | 3, more: Partial<FleetTargetResult> = {}): FleetTargetResult => ({
  name, exitCode, outcome: exitCode === 0 ? 'green' : 'stuck', reason: `reason of ${name}`, repairsApplied: 0, durationMs: 1, testsuite: {}, ...more,
});

t.test('one line per finished target: repairs when any, the reason when it did not pass', async (t) => {
  t.equal(fleetProgressLine(target('shop-a', 0, { repairsApplied: 1 })), 'target shop-a: green (exit 0, 1 repair applied)\n');
  t.equal(fleetProgressLine(target('shop-b', 0)), 'target shop-b: green (exit 0)\n');
  t.equal(fleetProgressLine(target('shop-c', 1, { repairsApplied: 2 })), 'target shop-c: stuck (exit 1, 2 repairs applied): reason of shop-c\n');
});

t.test('the summary: exit code, targets per exit code, warnings, where report.md is', async (t) => {
  const result = {
    exitCode: 3,
    shard: { index: 2, count: 3 },
    warnings: ['shard 1/3 is missing'],
    targets: [target('a', 0), target('b', 3), target('c', 0)],
  } as unknown as FleetResult;
  t.equal(
    fleetSummaryText(result, '/reports/fleet'),
    'smoke-fix fleet: exit 3: 3 target(s) of shard 2/3 (2 exit 0, 1 exit 3)\nwarning: shard 1/3 is missing\nsummary: /reports/fleet/report.md\n',
  );
  t.equal(fleetSummaryText({ ...result, shard: null, warnings: [], targets: [] }, 'r'), 'smoke-fix fleet: exit 3: 0 target(s)\nsummary: r/report.md\n');
});
