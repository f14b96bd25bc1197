/**
 * What a run does with the history (and, without one, with the catalog) around the cascade:
 * the proven findings of `repair.scope: history`, the expectation check after each change, and the
 * closing look at what is still in the source schemas. `commands/run.ts` wires these in.
 */
import type { CascadeDeps } from './deps.js';
import { actionName } from '../repair/describe.js';
import type { ApplyOutcome, RepairAction } from '../repair/types.js';
import { scanDrift } from '../db/scan.js';
import type { ColumnLocation, LeftInSources, Queryable, SchemaScope } from '../db/types.js';
import { snapshotCatalog } from '../history/catalog.js';
import { compareWithHistory } from '../history/drift.js';
import { migrationLabel } from '../history/justify.js';
import type { LoadedHistory } from '../history/load.js';
import { historyOutcome, type HistoryOutcome } from '../history/outcome.js';
import { verifyAgainstExpected, type ExpectationCheck } from '../history/verify.js';

/** Round 1 of `repair.scope: history`: one finding per object the expectation proves misplaced. */
export function provenFindings(db: Queryable, loaded: LoadedHistory, schemas: SchemaScope): NonNullable<CascadeDeps['provenFindings']> {
  return async () => {
    const drift = compareWithHistory(loaded.expected, await snapshotCatalog(db, schemas), schemas);
    return drift.objects
      // Owned sequences go with their table; the table's own finding moves them.
      .filter((o) => o.state === 'misplaced' && !o.expected.ownedBy)
      .map((o) => {
        const migration = migrationLabel(o.expected.createdBy);
        return {
          finding: {
            kind: 'missing-relation' as const,
            name: o.expected.name,
            message: `${o.expected.name} is expected in ${schemas.targetSchema} (created by ${migration}) and is in ${o.foundIn[0]}`,
            language: 'history',
          },
          migration,
        };
      });
  };
}

/** The applier, then the changed object compared with its model. */
export function applyVerified(
  db: Queryable,
  loaded: LoadedHistory | null,
  targetSchema: string,
  apply: (action: RepairAction) => Promise<ApplyOutcome>,
): (action: RepairAction) => Promise<ApplyOutcome> {
  if (!loaded) return apply;
  return async (action) => {
    const outcome = await apply(action);
    const table = touchedTable(action);
    // A routine/type/extension move is only planned when the model has it; it models relations only.
    if (outcome.status !== 'applied' || table === undefined) return outcome;
    try {
      return withExpectation(outcome, await verifyAgainstExpected(db, { expected: loaded.expected, targetSchema, table }));
    } catch (error) {
      const problems = [...(outcome.verification?.problems ?? []), `the check against the migrations failed: ${(error as Error).message}`];
      return outcome.verification ? { ...outcome, verification: { ...outcome.verification, ok: false, problems } } : outcome;
    }
  };
}

/** The applier's outcome with the expectation check added; a difference fails the verification. */
function withExpectation(outcome: ApplyOutcome, check: ExpectationCheck | null): ApplyOutcome {
  if (!check || !outcome.verification) return outcome;
  const problems = [...outcome.verification.problems, ...check.problems.map((p) => `against ${check.migration}: ${p}`)];
  return { ...outcome, verification: { ...outcome.verification, ok: problems.length === 0, problems, expectation: check } };
}

/**
 * The target table a change touched (the moved relation, or the table a column was added to);
 * undefined for a routine, type or extension, which the expected schema does not model.
 */
function touchedTable(action: RepairAction): string | undefined {
  return action.kind === 'move-object' ? undefined : actionName(action);
}

/**
 * The closing look: with a history, the whole drift against the expectation (and why); without,
 * every relation still in a source schema that the target lacks, so a green run never reads
 * "nothing left" while one remains.
 */
export async function closingCheck(
  db: Queryable,
  loaded: LoadedHistory | null,
  schemas: SchemaScope,
): Promise<{ readonly history?: HistoryOutcome; readonly leftInSources: readonly LeftInSources[] }> {
  if (loaded) {
    const { outcome, drift } = await historyOutcome(db, { ...schemas, expected: loaded.expected, history: loaded.history });
    const left = drift.objects.filter((o) => o.state === 'misplaced' || o.state === 'ambiguous');
    return {
      history: outcome,
      leftInSources: left.flatMap((o) => o.foundIn.map((schema) => ({ schema, name: o.expected.name, kind: o.expected.kind }))),
    };
  }
  const scan = await scanDrift(db, schemas);
  return { leftInSources: scan.missingFromTarget.map((m) => ({ schema: m.relation.schema, name: m.relation.name, kind: m.relation.kind })) };
}

/**
 * `column "x" does not exist` often names no table (or only an alias). The catalog alone then
 * finds the table only through a stale copy holding the column; the expectation knows which of
 * its tables should have it, and the live target says which of those lacks it. Exactly one such
 * table fills the location in; anything else is left for the planner to refuse as before.
 */
export async function resolveColumnsByHistory(
  db: Queryable,
  loaded: LoadedHistory | null,
  schemas: SchemaScope,
  columns: readonly ColumnLocation[],
): Promise<ColumnLocation[]> {
  const open = columns.filter((c) => c.table === null && c.candidates.length === 0);
  if (!loaded || open.length === 0) return [...columns];
  const owners = (column: string) => [...loaded.expected.relations.values()].filter((r) => r.columns.some((c) => c.name === column)).map((r) => r.name);
  const names = [...new Set(open.flatMap((c) => owners(c.column)))];
  const live = await snapshotCatalog(db, { targetSchema: schemas.targetSchema, sourceSchemas: [], only: names });
  return columns.map((location) => {
    if (!open.includes(location)) return location;
    const lacking = owners(location.column).filter((table) => {
      const here = live.relations.find((r) => r.schema === schemas.targetSchema && r.name === table);
      return here !== undefined && !here.columns.some((c) => c.name === location.column);
    });
    if (lacking.length !== 1) return { ...location, candidates: lacking };
    return { ...location, table: lacking[0]!, candidates: lacking, presentInTarget: false, targetTableExists: true };
  });
}
