/**
 * report.md's history parts: the drift against the migrations at the end of the run with "Why
 * this happened", what is still in the source schemas, and the expectation line of a verification.
 */
import { historyLines } from '../history/outcome.js';
import { expectationSummary } from '../history/verify.js';
import type { RunResult } from '../result.js';
import type { Verification } from '../repair/types.js';
import { mdCode, mdFence, mdText } from './markdown-text.js';
import { migrationLabel } from '../history/justify.js';

/** `## Against the migrations` with one subsection per part (objects, decoys, leftovers, why). */
export function historyMarkdown(result: RunResult): string {
  if (!result.history) return '';
  const h = result.history;
  const out = [
    `## Against the migrations\n\n${h.migrations} applied migrations, ${h.statements} statements replayed${h.readMs !== null ? ` (history read in ${h.readMs} ms)` : ''}; at the end of the run: ${h.drift ? '**drift remains**' : 'every expected object is in place'}.`,
  ];
  for (const section of historyLines(h, result.targetSchema)) {
    out.push(`### ${mdText(section.heading)}\n\n${section.lines.map((l) => `- ${mdText(l)}`).join('\n')}`);
  }
  return out.join('\n\n');
}

/** "What is left" items for relations still in a source schema at the end of the run. */
export function leftInSourcesItems(result: RunResult): string[] {
  const left = result.leftInSources ?? [];
  if (left.length === 0) return [];
  const bySchema = new Map<string, string[]>();
  for (const r of left) bySchema.set(r.schema, [...(bySchema.get(r.schema) ?? []), r.name]);
  const touched = new Set(result.rounds.flatMap((r) => r.findings.map((f) => (f.finding.kind === 'missing-relation' ? f.finding.name : ''))));
  return [...bySchema.entries()].map(([schema, names]) => {
    const untouched = names.filter((n) => !touched.has(n)).length;
    const what = `${names.length} relation${names.length === 1 ? '' : 's'}${untouched > 0 ? ` (${untouched} no endpoint touched)` : ''}`;
    return `Left in ${mdCode(schema)}: ${what}: ${names.map((n) => mdCode(n)).join(', ')} — run ${mdCode('smoke-fix scan')} to see the whole drift.`;
  });
}

/** `; against shop.0001_initial: expected 12 columns, found 12; indexes 4/4; constraints 7/7` */
export function expectationText(v: Verification): string {
  if (!v.expectation) return '';
  return `; against ${mdText(v.expectation.migration)}: ${mdText(expectationSummary(v.expectation))}`;
}

/** A column replayed from its migration: which one, and what it ran, quoted. */
export function migrationQuote(m: { readonly id: string; readonly appliedAt: string | null; readonly statements: readonly string[] }): string[] {
  return [`**From the migration** ${mdText(migrationLabel(m))}, which ran:`, mdFence(m.statements.join('\n'), 'sql')];
}
