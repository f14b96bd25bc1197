/**
 * The fleet summary: one row per target, the value `fleet.json` holds and every fleet report
 * (and `fleet-report`, merging shards) reads. Self-contained — each target's junit testsuite is
 * kept in it — so shards' summaries can be merged without their run folders.
 */
import { XMLParser } from 'fast-xml-parser';
import type { RepairMode } from '../config/types.js';
import { renderJunit } from '../report/junit.js';
import type { Outcome, RunResult } from '../result.js';
import type { Shard } from './shard.js';

export type TargetOutcome = Outcome | 'not-run' | 'invalid' | 'error';

export interface FleetTargetResult {
  readonly name: string;
  readonly outcome: TargetOutcome;
  readonly exitCode: 0 | 1 | 2 | 3;
  /** Why it ended so (the run's reason, or why it never ran). */
  readonly reason: string;
  readonly repairsApplied: number;
  readonly durationMs: number;
  /** The run's report.md, relative to the report root (`report.dir`); absent when it never ran. */
  readonly report?: string | undefined;
  readonly baseUrl?: string | undefined;
  /** Password removed. */
  readonly database?: string | undefined;
  readonly targetSchema?: string | undefined;
  /** The target's junit testsuite (fast-xml-parser object form). */
  readonly testsuite: Record<string, unknown>;
}

export interface FleetResult {
  readonly tool: { readonly name: 'smoke-fix'; readonly version: string };
  readonly kind: 'fleet';
  readonly configFile: string;
  readonly mode: RepairMode;
  /** null: every target of the config; else the shard this process ran. */
  readonly shard: Shard | null;
  /** Shards merged by `fleet-report` (absent in a single process's summary). */
  readonly mergedShards?: readonly Shard[] | undefined;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly exitCode: 0 | 1 | 2 | 3;
  readonly targets: readonly FleetTargetResult[];
  /** Problems of the fleet as a whole (a shard missing from a merge, a target in two shards). */
  readonly warnings: readonly string[];
}

/** The worst exit code: 3 (environment) > 2 > 1 (failing) > 0. */
export function worstExitCode(codes: Iterable<number>): 0 | 1 | 2 | 3 {
  let worst = 0;
  for (const c of codes) worst = Math.max(worst, c);
  return worst as 0 | 1 | 2 | 3;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: false, parseTagValue: false });

/** The run's own junit testsuite (exactly what its junit.xml says), renamed after the target. */
export function testsuiteOf(name: string, result: RunResult): Record<string, unknown> {
  const doc = parser.parse(renderJunit(result)) as { testsuites: { testsuite: Record<string, unknown> } };
  return { ...doc.testsuites.testsuite, '@_name': name };
}

/** A testsuite of one errored testcase, for a target that never ran or failed before its report. */
export function notRunTestsuite(name: string, outcome: TargetOutcome, reason: string): Record<string, unknown> {
  return {
    '@_name': name,
    '@_tests': 1,
    '@_failures': outcome === 'not-run' || outcome === 'invalid' ? 1 : 0,
    '@_errors': outcome === 'error' ? 1 : 0,
    '@_skipped': 0,
    '@_time': '0.000',
    testcase: {
      '@_name': 'smoke-fix run',
      '@_classname': 'smoke-fix',
      '@_time': '0.000',
      [outcome === 'error' ? 'error' : 'failure']: { '@_message': reason.replace(/\s+/g, ' '), '@_type': outcome, '#text': reason },
    },
  };
}
