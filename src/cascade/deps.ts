/**
 * What the cascade needs from the outside world. Passed in, so the loop is tested with fakes and the
 * real wiring (undici, pg, log files) lives in `commands/run.ts`.
 */
import type { EndpointConfig, RepairMode } from '../config/types.js';
import type { Locations } from '../db/locate.js';
import type { CollectedFinding, Finding } from '../diagnose/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { ApplyOutcome, PlanItem, RepairAction } from '../repair/types.js';
import type { EmitEvent } from './events.js';
import type { LogEvidence } from '../evidence/log-evidence.js';
import type { ProvenFinding } from './findings.js';

export interface CascadeDeps {
  /** Probe these endpoints once each (transport retries inside). May throw LoginFailedError. */
  probe(endpoints: readonly EndpointConfig[], onResult: (r: ProbeResult) => void): Promise<ProbeResult[]>;
  /** New log records since the previous call (application logs and PostgreSQL's own log). */
  readLogs(): Promise<{ readonly entries: readonly LogEvidence[]; readonly warnings: readonly string[] }>;
  /** Pure: text → findings. */
  diagnose(text: string, contentType?: string): Finding[];
  /** One catalog look-up for all findings of a round (db/locate.ts locateFindings). */
  locate(findings: readonly CollectedFinding[]): Promise<Locations>;
  /** Pure planner: each action and refusal carries the collected findings it answers. */
  plan(findings: readonly CollectedFinding[], locations: Locations): PlanItem[];
  /** Run one action in its own transaction and verify it. */
  apply(action: RepairAction): Promise<ApplyOutcome>;
  emit: EmitEvent;
  now(): Date;
  /**
   * `repair.scope: history`: every object the expected schema proves misplaced, as findings with
   * the migration that created each. Asked once, in round 1, so the whole drift is repaired at once.
   */
  provenFindings?(): Promise<readonly ProvenFinding[]>;
}

export interface CascadeSettings {
  readonly endpoints: readonly EndpointConfig[];
  readonly mode: RepairMode;
  readonly maxRounds: number;
  /** Whether any log (`logs`, `database.serverLog`) is read; false lets a stuck run say to add one. */
  readonly readsLogs?: boolean | undefined;
  /** Aborted by SIGINT/SIGTERM: the loop stops before its next round or its next change. */
  readonly signal?: AbortSignal | undefined;
}
