/**
 * A log record as the loop reads it: the record's text (masked as it was read) and request path,
 * as `LogEntry` has them, with where it was read as a finding source and its tie to smoke-fix's
 * requests. `commands/run.ts` builds one from each `LogEntry` and its `Tie`.
 */
import type { FindingSource } from '../diagnose/types.js';
import type { LogEntry } from '../logs/types.js';
import type { SentRequest } from '../probe/request-ledger.js';
import type { IgnoreReason } from './tie.js';

export interface LogEvidence extends Pick<LogEntry, 'text' | 'requestPath'> {
  readonly source: FindingSource;
  /** Set when the record is tied to none of smoke-fix's requests (tie.ts): not read for repairs. */
  readonly ignored?: IgnoreReason | undefined;
  /** The request of smoke-fix's the record is tied to, when one is known. */
  readonly request?: SentRequest | undefined;
}
