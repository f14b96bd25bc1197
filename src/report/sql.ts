/**
 * repair.sql and rollback.sql: psql scripts of exactly what ran and how to put it back.
 *
 * Contract: `psql -f rollback.sql` against the repaired database restores the catalog as it was
 * before the run, and `psql -f repair.sql` then redoes the repair. Each statement runs in its own
 * BEGIN/COMMIT, as the applier ran it, and `ON_ERROR_STOP` stops at the first error instead of
 * running the rest against a database in an unexpected state.
 */
import { sqlComment } from '../db/quote.js';
import { describeFinding } from '../diagnose/describe.js';
import { answers, type RepairInRound, type RunResult } from '../result.js';
import type { RepairAction } from '../repair/types.js';

/** What a repair is for, as its comment names it: `missing relation "x"` (escaped for a comment). */
export function repairFor(action: RepairAction): string {
  return sqlComment(`missing ${describeFinding(action.findings[0].finding)}`);
}

/** What a header names: a finished RunResult, or the journal's view of a run still in progress. */
export type SqlHeaderFields = Pick<RunResult, 'startedAt' | 'mode' | 'database' | 'targetSchema' | 'sourceSchemas'> & { readonly outcome: string };

export function header(result: SqlHeaderFields, lines: readonly string[]): string {
  return [
    ...lines.map((l) => `-- ${sqlComment(l)}`),
    `-- Run: ${sqlComment(result.startedAt)}, mode ${result.mode}, outcome ${result.outcome}.`,
    `-- Database: ${sqlComment(result.database)}`,
    `-- Target schema ${sqlComment(result.targetSchema)}; source schemas ${sqlComment(result.sourceSchemas.join(', '))}.`,
  ].join('\n');
}

export function block(entry: RepairInRound, statement: string, verb: string): string {
  const { record, round } = entry;
  const at = record.startedAt ? `, ran ${record.startedAt}` : '';
  return [
    `-- Round ${round}: ${verb} for ${repairFor(record.action)}${sqlComment(at)}`,
    'BEGIN;',
    statement,
    'COMMIT;',
  ].join('\n');
}

export const PSQL_SAFETY = '\\set ON_ERROR_STOP on';

export function renderRepairSql(result: RunResult): string {
  const repairs = answers(result).repairs;
  if (result.mode === 'plan') {
    const planned = repairs.filter((r) => r.record.status === 'planned');
    return [
      header(result, [
        'smoke-fix repair.sql: PLAN MODE. NOTHING RAN. This is the SQL a run with --apply would execute,',
        'in this order, each statement in its own transaction.',
      ]),
      PSQL_SAFETY,
      ...(planned.length === 0 ? ['-- No repair was planned.'] : planned.map((r) => block(r, r.record.action.sql, 'planned'))),
    ].join('\n\n') + '\n';
  }
  const applied = repairs.filter((r) => r.record.status === 'applied');
  const failed = repairs
    .filter((r) => r.record.status === 'failed')
    .map((r) => `-- Round ${r.round}: the repair for ${repairFor(r.record.action)} failed and was rolled back; it is not repeated here.`);
  return [
    header(result, [
      'smoke-fix repair.sql: the DDL this run executed and committed, in order,',
      'each statement in its own transaction, exactly as it ran. rollback.sql undoes it.',
    ]),
    PSQL_SAFETY,
    ...(applied.length === 0 ? ['-- No repair ran.'] : applied.map((r) => block(r, r.record.action.sql, 'repair'))),
    ...(failed.length > 0 ? [failed.join('\n')] : []),
  ].join('\n\n') + '\n';
}

export function renderRollbackSql(result: RunResult): string {
  if (result.mode === 'plan') {
    return header(result, ['smoke-fix rollback.sql: PLAN MODE. NOTHING RAN, so there is nothing to roll back.']) + '\n';
  }
  const applied = answers(result).repairs.filter((r) => r.record.status === 'applied');
  return [
    header(result, [
      'smoke-fix rollback.sql: undoes every repair this run committed, newest first,',
      'each statement in its own transaction. Afterwards the catalog is as it was before the run.',
    ]),
    PSQL_SAFETY,
    ...(applied.length === 0
      ? ['-- No repair ran: nothing to roll back.']
      : applied.reverse().map((r) => block(r, r.record.action.rollbackSql, 'undo repair'))),
  ].join('\n\n') + '\n';
}
