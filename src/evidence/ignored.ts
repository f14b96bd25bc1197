/**
 * The evidence a run ignored, for the report: how many records per reason, and a few examples.
 * Only records that carried a database error count (a log line naming no table is not evidence).
 * Names and excerpts are JSON strings: they are hostile text (quotes, control characters, ANSI).
 */
import { findingName, sourcePlace } from '../diagnose/describe.js';
import type { Finding, FindingSource } from '../diagnose/types.js';
import { IGNORE_REASONS, type IgnoreReason } from './tie.js';

export interface IgnoredEvidence {
  readonly reason: IgnoreReason;
  /** The reason in words. */
  readonly why: string;
  /** Records ignored for this reason over the whole run. */
  readonly count: number;
  /** Up to `MAX_EXAMPLES`: `"decoy" in log file /var/log/app.log: "INFO shop.search: …"`. */
  readonly examples: readonly string[];
}

export const MAX_EXAMPLES = 3;
const EXCERPT_CHARS = 160;

export class IgnoredTally {
  private readonly byReason = new Map<IgnoreReason, { count: number; examples: string[] }>();

  add(reason: IgnoreReason, source: FindingSource, findings: readonly Finding[], text: string): void {
    if (findings.length === 0) return;
    const entry = this.byReason.get(reason) ?? { count: 0, examples: [] };
    entry.count += 1;
    if (entry.examples.length < MAX_EXAMPLES) {
      const line = text.split('\n', 1)[0]!.slice(0, EXCERPT_CHARS);
      entry.examples.push(`${findings.map((f) => JSON.stringify(findingName(f))).join(', ')} in ${sourcePlace(source)}: ${JSON.stringify(line)}`);
    }
    this.byReason.set(reason, entry);
  }

  summary(): IgnoredEvidence[] {
    return [...this.byReason].map(([reason, e]) => ({ reason, why: IGNORE_REASONS[reason], count: e.count, examples: e.examples }));
  }
}
