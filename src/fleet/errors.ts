/** Errors of a fleet run (see errors.ts for the family and its exit codes). */
import { ConfigError } from '../errors.js';

/**
 * `targetsFrom.query` failed or returns rows that cannot be mapped (a column named in `as` is
 * missing): a mistake in the config, so nothing runs. Exit 2.
 */
export class TargetsQueryError extends ConfigError {
  override readonly code = 'TARGETS_QUERY';
}

/** `fleet-report` was given folders without a fleet summary, or summaries it cannot read. Exit 2. */
export class FleetSummaryError extends ConfigError {
  override readonly code = 'FLEET_SUMMARY';
}
