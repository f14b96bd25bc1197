/** report.md's "Ignored evidence" section: database errors no request of smoke-fix's explains. */
import type { RunResult } from '../result.js';
import { mdCode, mdText } from './markdown-text.js';

export function ignoredEvidenceSection(result: RunResult): string {
  const ignored = result.ignoredEvidence ?? [];
  if (ignored.length === 0) return '';
  const total = ignored.reduce((n, i) => n + i.count, 0);
  const out = [
    '## Ignored evidence',
    `${total} log record(s) named a missing table or column but are tied to no request smoke-fix made, so they drove no repair (anyone who can write to a log can name a table):`,
  ];
  for (const i of ignored) {
    out.push(`- **${i.count}** because ${mdText(i.why)} (${mdCode(i.reason)}), e.g.:\n${i.examples.map((e) => `  - ${mdCode(e)}`).join('\n')}`);
  }
  return out.join('\n\n');
}
