/**
 * Progress as events (stepci-style): the cascade emits them, the CLI renders them. The cascade never
 * writes to the terminal itself, so the same run can be rendered live, as plain lines, or not at all.
 */
import type { RepairMode } from '../config/types.js';
import type { SourcedFinding } from '../diagnose/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { Refusal, RepairRecord } from '../repair/types.js';
import type { RunResult } from '../result.js';

export type RunEvent =
  | { readonly type: 'run-start'; readonly endpoints: number; readonly mode: RepairMode }
  | { readonly type: 'round-start'; readonly round: number; readonly endpoints: number; readonly confirm: boolean }
  | { readonly type: 'probe'; readonly round: number; readonly result: ProbeResult; readonly done: number; readonly total: number }
  /** What was read in this round's failing bodies and new log lines: each distinct error once per place it was read. */
  | { readonly type: 'findings'; readonly round: number; readonly findings: readonly SourcedFinding[] }
  | { readonly type: 'repair'; readonly round: number; readonly record: RepairRecord }
  | { readonly type: 'refusal'; readonly round: number; readonly refusal: Refusal }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'run-end'; readonly result: RunResult };

export type EmitEvent = (event: RunEvent) => void;
