/**
 * The terminal's end-of-run summary: a reporter of the finished RunResult, like report.md and
 * junit.xml, and counting with the same answers (result.ts). Colour comes from the caller.
 */
import { answers, type RunResult } from '../result.js';
import type { Style } from '../util/style.js';
import { terminalSafe } from '../util/terminal-safe.js';

/** How much the terminal says: --quiet (cron mail) lists only what needs a person. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/**
 * The summary table printed at the end of a run. What it prints from the target (the reason, names)
 * is made terminal-safe here, line by line: a pass over the whole result cost more at 10,000
 * endpoints than printing it.
 */
export function renderSummary(result: RunResult, reportDir: string | undefined, style: Style, verbosity: Verbosity = 'normal'): string {
  const heading: Record<RunResult['outcome'], string> = {
    green: style.green('GREEN'),
    planned: style.yellow('PLANNED'),
    stuck: style.red('STUCK'),
    'max-rounds': style.red('MAX ROUNDS'),
    'environment-error': style.red('ENVIRONMENT ERROR'),
  };
  const out: string[] = [`${style.bold('smoke-fix')} ${heading[result.outcome]}: ${terminalSafe(result.reason)}`];
  const finalProbes = result.final.length > 0 ? result.final : (result.rounds.at(-1)?.probes ?? []);
  // --quiet (cron mail): only what needs a person; the passing endpoints are a count.
  const listed = verbosity === 'quiet' ? finalProbes.filter((p) => !p.ok) : finalProbes;
  if (listed.length > 0) {
    const names = listed.map((p) => terminalSafe(p.endpoint));
    const w = names.reduce((widest, name) => Math.max(widest, name.length), 8);
    out.push('', `  ${pad('endpoint', w)}  status  expected`);
    for (const [i, p] of listed.entries()) {
      const mark = p.ok ? style.green('✓') : style.red('✗');
      out.push(`${mark} ${pad(names[i]!, w)}  ${pad(String(p.status ?? '---'), 6)}  ${p.expected.join('|')}`);
    }
  }
  if (listed.length < finalProbes.length) out.push('', `${finalProbes.length - listed.length} passing endpoint(s) not listed (--quiet)`);
  const { rounds, applied, planned, failed, refused } = answers(result).counts;
  out.push(
    '',
    `rounds: ${rounds}  repairs: ${applied} applied${planned ? `, ${planned} planned` : ''}${failed ? `, ${failed} failed` : ''}  refused: ${refused}  time: ${(result.durationMs / 1000).toFixed(1)}s`,
  );
  const ignored = (result.ignoredEvidence ?? []).reduce((n, i) => n + i.count, 0);
  if (ignored > 0) out.push(style.yellow(`ignored evidence: ${ignored} log record(s) tied to no request smoke-fix made (see report.md)`));
  if (reportDir) out.push(`report: ${terminalSafe(reportDir)}`);
  return out.join('\n') + '\n';
}
