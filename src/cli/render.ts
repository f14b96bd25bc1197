/**
 * Renders the cascade's events for a person while the run goes: a live status line on a TTY, plain
 * lines otherwise (cron mail, CI logs). Progress goes to stderr so that stdout can carry `--json`.
 */
import type { RunEvent } from '../cascade/events.js';
import { sourcePlace } from '../diagnose/describe.js';
import type { SourcedFinding } from '../diagnose/types.js';
import { describeAction } from '../repair/describe.js';
import type { Verbosity } from '../report/terminal.js';
import type { Style } from '../util/style.js';
import { reasonBeyondStatus } from '../probe/types.js';
import { groupBy } from '../util/group-by.js';

// The end-of-run summary is a reporter beside report.md and junit.xml; the CLI prints it from here.
export { renderSummary, type Verbosity } from '../report/terminal.js';

export interface RenderOptions {
  readonly write: (text: string) => void;
  /** Rewrite a status line in place (TTY only, not under CI). */
  readonly live: boolean;
  readonly style: Style;
  readonly verbosity: Verbosity;
}

/** Whether the progress output prints anything for this event (--quiet: warnings only). */
export function progressShows(verbosity: Verbosity, event: { readonly type: string }): boolean {
  return verbosity !== 'quiet' || event.type === 'warning';
}

export function createProgressRenderer(options: RenderOptions): (event: RunEvent) => void {
  const { write, style, verbosity } = options;
  let statusShown = false;
  let repairs = 0;
  const line = (text: string) => {
    if (statusShown) write('\r\u001b[K');
    statusShown = false;
    write(text + '\n');
  };
  // A round's failing endpoints are held until its findings are known, so that each database error
  // is printed under the endpoint it was read for (the findings arrive after the last probe).
  let failedProbes: Array<{ readonly endpoint: string; readonly text: string }> = [];
  const flushFailures = (findings: readonly SourcedFinding[] = []) => {
    // Indexed once: a round with thousands of failing endpoints must not scan every finding each.
    const byEndpoint = groupBy(findings, (f) => f.source.endpoint);
    const under = (endpoint: string | undefined) => {
      const shown = new Set<string>();
      for (const f of byEndpoint.get(endpoint) ?? []) {
        const text = `    ${f.finding.message}${sourceNote(f)}`;
        if (shown.has(text)) continue;
        shown.add(text);
        line(style.dim(text));
      }
      byEndpoint.delete(endpoint);
    };
    for (const p of failedProbes) {
      line(p.text);
      under(p.endpoint);
    }
    // What no failing endpoint claimed: PostgreSQL's own log, a traceback without its request.
    for (const endpoint of [...byEndpoint.keys()]) under(endpoint);
    failedProbes = [];
  };
  const status = (text: string) => {
    if (!options.live) return;
    write('\r\u001b[K' + style.dim(text));
    statusShown = true;
  };
  return (event) => {
    if (!progressShows(verbosity, event)) return;
    if (event.type !== 'probe' && event.type !== 'findings' && failedProbes.length > 0) flushFailures();
    switch (event.type) {
      case 'run-start':
        line(`smoke-fix: ${event.endpoints} endpoint(s), mode ${event.mode}`);
        break;
      case 'round-start':
        line(style.bold(event.confirm ? `round ${event.round}: confirming every endpoint (${event.endpoints})` : `round ${event.round}: probing ${event.endpoints} endpoint(s)`));
        break;
      case 'probe': {
        const r = event.result;
        const reason = reasonBeyondStatus(r);
        const why = reason ? '  ' + reason : '';
        if (!r.ok) failedProbes.push({ endpoint: r.endpoint, text: `  ${style.red('✗')} ${r.endpoint}  ${r.method} ${r.path}  ${r.status ?? '---'}${why}` });
        else if (verbosity === 'verbose') line(`  ${style.green('✓')} ${r.endpoint}  ${r.method} ${r.path}  ${r.status}`);
        status(`round ${event.round} · ${event.done}/${event.total} endpoints · ${repairs} repair(s)`);
        break;
      }
      case 'repair': {
        const rec = event.record;
        if (rec.status === 'applied') repairs += 1;
        const mark = rec.status === 'applied' ? style.green('repaired') : rec.status === 'planned' ? style.yellow('would run') : style.red('failed');
        line(`  ${mark}: ${describeAction(rec.action)}`);
        if (verbosity === 'verbose' || rec.status === 'planned') line(style.dim(`    ${rec.action.sql}`));
        if (rec.error) line(style.red(`    ${rec.error}`));
        for (const w of rec.warnings) line(style.yellow(`    warning: ${w}`));
        break;
      }
      case 'findings':
        flushFailures(event.findings);
        break;
      case 'refusal':
        line(`  ${style.yellow('refused')}: ${event.refusal.reason} — ${event.refusal.detail}`);
        break;
      case 'warning':
        line(style.yellow(`warning: ${event.message}`));
        break;
      case 'run-end':
        if (statusShown) write('\r\u001b[K');
        statusShown = false;
        break;
    }
  };
}

/** A body finding sits under its endpoint's line already; one read elsewhere says where. */
function sourceNote(f: SourcedFinding): string {
  return f.source.type === 'body' ? '' : ` (in ${sourcePlace(f.source)})`;
}
