/** Test glue: findings as the cascade collects them, and catalog answers as locate files them. */

/** A finding as the cascade collects it (cascade/findings.ts): with its key and where it was read. */
import type { Locations } from '../../src/db/locate.js';
import type { CatalogObject, ObjectLocation } from '../../src/db/locate-objects.js';
import type { ColumnLocation, RelationLocation } from '../../src/db/types.js';
import { findingKey, type CollectedFinding, type Finding, type FindingKey, type FindingSource } from '../../src/diagnose/types.js';

export function collected<F extends Finding>(finding: F, sources: readonly FindingSource[] = []): CollectedFinding<F> {
  return { key: findingKey(finding), finding, sources };
}

/**
 * Hand-built catalog answers filed under the keys of the findings they answer, as locateFindings
 * files them: a relation under every finding of its name, a column under the first finding of
 * its column name, routines and types in the order of their findings.
 */
export function locationsFor(
  findings: readonly CollectedFinding[],
  answers: { relations?: readonly RelationLocation[]; columns?: readonly ColumnLocation[]; objects?: ReadonlyArray<readonly CatalogObject[]> },
): Locations {
  const relations = new Map<FindingKey, RelationLocation>();
  const columns = new Map<FindingKey, ColumnLocation>();
  const objects = new Map<FindingKey, ObjectLocation>();
  let nextObject = 0;
  for (const { key, finding } of findings) {
    if (finding.kind === 'missing-relation') {
      const location = answers.relations?.find((l) => l.name === finding.name);
      if (location) relations.set(key, location);
    } else if (finding.kind === 'missing-column') {
      const location = answers.columns?.find((l) => l.column === finding.column);
      if (location) columns.set(key, location);
    } else {
      const found = answers.objects?.[nextObject++];
      if (found) objects.set(key, { found });
    }
  }
  return { relations, columns, objects };
}
