/**
 * The history part of `scan` and of a run's result: the drift against the expectation, flattened
 * for people and report.json, and why it happened. Built by `scan` and at the end of a run.
 */
import type { Queryable, SchemaScope } from '../db/types.js';
import { snapshotCatalog } from './catalog.js';
import { compareWithHistory, hasDrift } from './drift.js';
import { migrationLabel } from './justify.js';
import type { ExpectedObjectState, ExpectedSchema, HistoryDrift, MigrationHistory } from './types.js';
import { migrationBatches, readPathSettings, type WhyItHappened } from './why.js';

export interface HistoryObject {
  readonly name: string;
  readonly kind: string;
  readonly state: ExpectedObjectState;
  /** `account.0001_initial, applied 2025-12-29 14:02` */
  readonly migration: string;
  readonly foundIn: readonly string[];
  readonly differences: readonly string[];
}

export interface HistoryOutcome {
  readonly migrations: number;
  readonly statements: number;
  /** Wall time to read the history, ms (null when it was not read by this process). */
  readonly readMs: number | null;
  /** What the reader noticed (a migration recorded without its file, a changed file, a dirty or failed one). */
  readonly warnings: readonly string[];
  /** Statements the model could not follow: `migration: reason`. */
  readonly unfollowed: readonly string[];
  /** True when an expected object is misplaced, lost, ambiguous or different (`scan` exits 1). */
  readonly drift: boolean;
  readonly objects: readonly HistoryObject[];
  readonly notTheApps: HistoryDrift['notTheApps'];
  readonly leftovers: HistoryDrift['leftovers'];
  readonly crossSchemaForeignKeys: HistoryDrift['crossSchemaForeignKeys'];
  readonly why: WhyItHappened;
}

export async function historyOutcome(
  db: Queryable,
  input: SchemaScope & {
    readonly expected: ExpectedSchema;
    readonly history?: MigrationHistory | undefined;
  },
): Promise<{ readonly outcome: HistoryOutcome; readonly drift: HistoryDrift }> {
  const snapshot = await snapshotCatalog(db, input);
  const drift = compareWithHistory(input.expected, snapshot, input);
  const settings = await readPathSettings(db, input);
  return { outcome: toOutcome(input.expected, drift, { settings, migrations: migrationBatches(drift) }, input.history), drift };
}

export function toOutcome(expected: ExpectedSchema, drift: HistoryDrift, why: WhyItHappened, history?: MigrationHistory): HistoryOutcome {
  return {
    migrations: expected.migrationCount,
    statements: expected.statementCount,
    readMs: history?.durationMs ?? null,
    warnings: history?.warnings ?? [],
    unfollowed: expected.unfollowed.map((u) => `${u.migration.id}: ${u.reason}`),
    drift: hasDrift(drift),
    objects: drift.objects.map((o) => ({
      name: o.expected.name,
      kind: o.expected.kind,
      state: o.state,
      migration: migrationLabel(o.expected.createdBy),
      foundIn: o.foundIn,
      differences: o.differences,
    })),
    notTheApps: drift.notTheApps,
    leftovers: drift.leftovers,
    crossSchemaForeignKeys: drift.crossSchemaForeignKeys,
    why,
  };
}

const STATE_TEXT: Readonly<Record<ExpectedObjectState, string>> = {
  'in-target': 'in place',
  misplaced: 'MISPLACED',
  ambiguous: 'AMBIGUOUS',
  lost: 'LOST',
};

/**
 * Plain lines for the terminal and report.md alike (each reporter escapes them its own way):
 * objects with their migration, then not-the-app's, leftovers, cross-schema FKs, why.
 */
export function historyLines(outcome: HistoryOutcome, targetSchema: string): { readonly heading: string; readonly lines: string[] }[] {
  const sections: { heading: string; lines: string[] }[] = [];
  sections.push({
    heading: `Expected by the migrations (${outcome.objects.length} objects from ${outcome.migrations} migrations)`,
    lines: outcome.objects.map((o) => {
      const where = o.state === 'in-target' ? targetSchema : o.foundIn.length > 0 ? `in ${o.foundIn.join(' and ')}` : 'nowhere';
      const diff = o.differences.length > 0 ? ` — differs: ${o.differences.join('; ')}` : '';
      const lost = o.state === 'lost' ? ' (smoke-fix never creates it: re-run the migration or restore it)' : '';
      return `${o.state === 'in-target' && o.differences.length === 0 ? '✔' : '✘'} ${o.name} (${o.kind}): ${STATE_TEXT[o.state]}, ${where}; created by ${o.migration}${diff}${lost}`;
    }),
  });
  if (outcome.notTheApps.length > 0) {
    sections.push({
      heading: `Not the app's (${outcome.notTheApps.length}): no applied migration created these; never moved`,
      lines: outcome.notTheApps.map((r) => `${r.schema}.${r.name} (${r.kind})`),
    });
  }
  if (outcome.leftovers.length > 0) {
    sections.push({
      heading: `Leftovers (${outcome.leftovers.length}): stale copies of objects ${targetSchema} already has`,
      lines: outcome.leftovers.map(
        (r) => `${r.schema}.${r.name} (${r.kind}): compare it with ${targetSchema}.${r.name}; if nothing in it is needed, a person may archive or drop it (smoke-fix never drops)`,
      ),
    });
  }
  if (outcome.crossSchemaForeignKeys.length > 0) {
    sections.push({
      heading: `Foreign keys from ${targetSchema} into a source schema (${outcome.crossSchemaForeignKeys.length})`,
      lines: outcome.crossSchemaForeignKeys.map(
        (f) => `${targetSchema}.${f.table} constraint ${f.constraint} references ${f.referencesSchema}.${f.referencesName} (moving ${f.referencesName} into ${targetSchema} resolves it)`,
      ),
    });
  }
  const why: string[] = [];
  for (const s of outcome.why.settings) {
    why.push(`${s.where} sets search_path = ${s.searchPath}, which puts ${s.sourceSchemas.join(', ')} on the app's path${s.fix ? `; remove it with: ${s.fix}` : ' (set by the connection itself: check PGOPTIONS or the connection string options)'}`);
  }
  for (const b of outcome.why.migrations) {
    const when = b.from === null ? 'at an unrecorded time' : b.from === b.to ? `at ${b.from}` : `between ${b.from} and ${b.to}`;
    why.push(`migrations applied ${when} created their objects in a source schema: ${b.migrations.join(', ')} (${b.objects.join(', ')})`);
  }
  if (why.length > 0) sections.push({ heading: 'Why this happened', lines: why });
  if (outcome.warnings.length > 0) {
    sections.push({ heading: `Read from the history with warnings (${outcome.warnings.length})`, lines: [...outcome.warnings] });
  }
  if (outcome.unfollowed.length > 0) {
    sections.push({ heading: `Statements the model could not follow (${outcome.unfollowed.length})`, lines: [...outcome.unfollowed] });
  }
  return sections;
}
