/**
 * report.md: the incident report a careful engineer would have written by hand. Reads only the
 * final RunResult. Every string that came from the target (error messages, names, endpoint names,
 * reasons quoting them) goes through `mdText`/`mdCode`/`mdFence`.
 */
import { expectationText, historyMarkdown, leftInSourcesItems, migrationQuote } from './markdown-history.js';
import { ignoredEvidenceSection } from './ignored-evidence.js';
import { sourcesOf, type FindingSource } from '../diagnose/types.js';
import { findingName } from '../diagnose/describe.js';
import { answers, type ProbeSummary, type RepairInRound, type RoundResult, type RunResult } from '../result.js';
import { actionWords } from '../repair/describe.js';
import type { RepairRecord, Verification } from '../repair/types.js';
import { sourceText, statusText } from './describe.js';
import { mdCode, mdFence, mdTable, mdText } from './markdown-text.js';
import { reasonBeyondStatus } from '../probe/types.js';
import { NO_ERROR_SOURCE } from '../cascade/no-error-source.js';

const OUTCOME_TITLE: Record<RunResult['outcome'], string> = {
  green: 'green, every endpoint passes',
  planned: 'planned, nothing changed',
  stuck: 'stuck, endpoints still failing',
  'max-rounds': 'stopped at the round limit, endpoints still failing',
  'environment-error': 'could not run to the end',
};

export function renderMarkdown(result: RunResult): string {
  const sections = [
    `# smoke-fix report: ${OUTCOME_TITLE[result.outcome]}`,
    summary(result),
    problem(result),
    repairs(result),
    refusals(result),
    rounds(result),
    finalPass(result),
    whatIsLeft(result),
    historyMarkdown(result),
    ignoredEvidenceSection(result),
    whatNext(result),
  ];
  return sections.filter((s) => s !== '').join('\n\n') + '\n';
}

// ---------------------------------------------------------------- formatting helpers

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? mdText(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function request(p: ProbeSummary, options: { inTable?: boolean } = {}): string {
  return mdCode(`${p.method} ${p.path}`, options);
}

function sourcesText(sources: readonly FindingSource[]): string {
  return sources.length === 0 ? 'not recorded' : sources.map((s) => mdText(sourceText(s))).join('; ');
}

// ---------------------------------------------------------------- sections

function summary(result: RunResult): string {
  const n = answers(result).counts;
  const counts = [
    plural(n.rounds, 'round'),
    plural(n.endpoints, 'endpoint'),
    result.mode === 'plan' ? `${plural(n.planned, 'repair')} planned` : `${plural(n.applied, 'repair')} applied`,
    n.failed > 0 ? `${n.failed} failed` : '',
    `${n.refused} refused`,
    n.finalTotal > 0 ? `final pass ${n.finalPassing}/${n.finalTotal} passing` : 'no final pass',
  ].filter(Boolean);
  const rows: Array<[string, string]> = [
    ['When', `${when(result.startedAt)} to ${when(result.finishedAt)} (${duration(result.durationMs)})`],
    ['Target', `${mdText(result.baseUrl)} (config ${mdCode(result.configFile)})`],
    ['Database', mdCode(result.database)],
    [
      'Schemas',
      `into ${mdCode(result.targetSchema)} from ${result.sourceSchemas.map((s) => mdCode(s)).join(', ') || 'none'}`,
    ],
    ['Mode', result.mode === 'plan' ? 'plan (read-only: no change was made)' : 'apply'],
    [
      'Outcome',
      `**${result.outcome}** (exit ${result.exitCode}${result.errorCode ? `, ${mdText(result.errorCode)}` : ''}): ${mdText(result.reason)}`,
    ],
    ['Counts', counts.join(', ')],
    ['Tool', `${result.tool.name} ${mdText(result.tool.version)}`],
  ];
  return `## Summary\n\n${rows.map(([k, v]) => `- **${k}:** ${v}`).join('\n')}`;
}

function problem(result: RunResult): string {
  const first = result.rounds[0];
  if (!first) return `## The problem\n\nNo round ran: ${mdText(result.reason)}`;
  const failing = first.probes.filter((p) => !p.ok);
  if (failing.length === 0) {
    return `## The problem\n\nIn round 1 every endpoint (${first.probes.length}) answered its expected status.`;
  }
  const lines = failing.map((p) => {
    const errors = answers(result).findingsFor(first, p.endpoint).map((f) => mdCode(f.finding.message));
    const reason = reasonBeyondStatus(p);
    const why = reason ? `, ${mdText(reason)}` : '';
    return `- **${mdText(p.endpoint)}** ${request(p)} answered ${mdText(statusText(p))}${why}` +
      (errors.length > 0 ? `: ${errors.join('; ')}` : '');
  });
  return [
    '## The problem',
    `In round 1, ${failing.length} of ${first.probes.length} endpoints did not answer as expected:`,
    lines.join('\n'),
  ].join('\n\n');
}

/**
 * A repair warning ends with the SQL that would finish the job (see repair/leftovers.ts): that
 * statement is set as code, so it can be copied from the raw file as well as the rendered one.
 */
function warningText(warning: string): string {
  const m = /^([\s\S]*?: )((?:ALTER|CREATE|GRANT) [^\n]*;)$/.exec(warning);
  return m ? `${mdText(m[1]!)}${mdCode(m[2]!)}` : mdText(warning);
}

function verificationText(v: Verification | undefined, targetSchema: string): string {
  if (!v) return 'not verified';
  const parts = [
    `${v.ok ? 'passed' : '**FAILED**'}: ${v.resolvesInTarget ? 'resolves' : '**does not resolve**'} in ${mdCode(targetSchema)}`,
  ];
  // Views, sequences and column adds have no row count of their own to compare.
  if (v.rowsBefore !== null || v.rowsAfter !== null) parts.push(`rows ${v.rowsBefore ?? '?'} → ${v.rowsAfter ?? '?'}`);
  if (v.columnsBefore !== undefined || v.columnsAfter !== undefined) {
    parts.push(`columns ${v.columnsBefore ?? '?'} → ${v.columnsAfter ?? '?'}`);
  }
  if (v.indexesBefore !== undefined || v.indexesAfter !== undefined) {
    parts.push(`indexes ${v.indexesBefore ?? '?'} → ${v.indexesAfter ?? '?'}`);
  }
  if (v.constraintsBefore !== undefined || v.constraintsAfter !== undefined) {
    parts.push(`constraints ${v.constraintsBefore ?? '?'} → ${v.constraintsAfter ?? '?'}`);
  }
  if (v.storage) {
    const s = v.storage;
    parts.push(
      `${s.unchanged ? 'same' : '**changed**'} storage (OID ${s.oid}, relfilenode ${s.relfilenode})` +
        (s.counted ? '' : `; rows not counted (${s.rowEstimate === null ? 'no estimate' : `about ${s.rowEstimate}`}, ${s.bytes} bytes: the move rewrites none)`),
    );
  }
  const problems = v.problems.map((p) => `\n  - ${mdText(p)}`).join('');
  return parts.join('; ') + expectationText(v) + problems;
}

const VERBS = {
  move: { applied: 'Moved', planned: 'Would move', failed: 'Failed to move' },
  'add column': { applied: 'Added column', planned: 'Would add column', failed: 'Failed to add column' },
} as const;

function repairHeading(entry: RepairInRound, index: number): string {
  const { action, status } = entry.record;
  const words = actionWords(action);
  const what =
    action.kind !== 'add-column'
      ? `${mdCode(words.object)} into ${mdCode(words.into)}`
      : `${mdCode(words.object)} to ${mdCode(words.into)} ${action.fromMigration ? `(as migration ${mdCode(action.fromMigration.id)} added it)` : `(from the copy in ${mdCode(action.copySchema)})`}`;
  return `### ${index + 1}. ${VERBS[words.verb][status]} ${what} (round ${entry.round})`;
}

function repairSection(entry: RepairInRound, index: number, result: RunResult): string {
  const { record } = entry;
  const { action } = record;
  const out = [repairHeading(entry, index)];
  out.push(
    `**Evidence.** ${mdCode(action.findings[0].finding.message)}, read in ${sourcesText(sourcesOf(action.findings))}.`,
  );
  if (action.kind === 'add-column') {
    const c = action.column;
    out.push(
      `**Column.** ${mdCode(c.type)}, ${c.notNull ? 'NOT NULL' : 'nullable'}, default ${c.default === null ? 'none' : mdCode(c.default)}.`,
    );
    if (action.fromMigration) out.push(...migrationQuote(action.fromMigration));
  }
  if (record.status === 'planned') {
    out.push('**SQL it would run** (nothing ran: plan mode):', mdFence(action.sql, 'sql'));
  } else {
    const at = record.startedAt ? ` at ${when(record.startedAt)}` : '';
    const took = record.durationMs !== undefined ? ` (${duration(record.durationMs)})` : '';
    const label = record.status === 'applied' ? 'SQL executed' : 'SQL attempted, rolled back';
    out.push(`**${label}**${at}${took}, in its own transaction:`, mdFence(action.sql, 'sql'));
  }
  if (record.status === 'failed') {
    out.push(`**Error.** ${mdCode(record.error ?? 'unknown error')}. The transaction was rolled back; nothing changed.`);
  }
  if (record.status === 'applied') {
    out.push(`**Verification.** ${verificationText(record.verification, targetSchemaOf(action, result))}.`);
    out.push('**Rollback**, if it ever has to be undone:', mdFence(action.rollbackSql, 'sql'));
  }
  if (record.warnings.length > 0) {
    out.push('**Warnings.**\n\n' + record.warnings.map((w) => `- ${warningText(w)}`).join('\n'));
  }
  return out.join('\n\n');
}

function targetSchemaOf(action: RepairRecord['action'], result: RunResult): string {
  return action.kind !== 'add-column' ? action.toSchema : action.schema || result.targetSchema;
}

function repairs(result: RunResult): string {
  const all = answers(result).repairs;
  const title = result.mode === 'plan' ? '## Planned repairs' : '## Repairs';
  if (all.length === 0) {
    const why = result.rounds.length === 0 ? 'no round ran' : 'no finding could be repaired safely';
    return `${title}\n\nNone: ${why}.`;
  }
  return [title, ...all.map((entry, i) => repairSection(entry, i, result))].join('\n\n');
}

function refusals(result: RunResult): string {
  const list = answers(result).refusals;
  if (list.length === 0) return '';
  const items = list.map(({ refusal, rounds }) => {
    const { finding } = refusal.findings[0];
    const out = [
      `### ${mdCode(findingName(finding))}: ${mdText(refusal.reason)} (round${rounds.length > 1 ? 's' : ''} ${rounds.map((r) => r.number).join(', ')})`,
      `**Evidence.** ${mdCode(finding.message)}, read in ${sourcesText(sourcesOf(refusal.findings))}.`,
      `**Why nothing was done.** ${mdText(refusal.detail)}`,
    ];
    if (refusal.suggestedSql) {
      out.push('**Suggested SQL** (not run; review it and run it by hand):', mdFence(refusal.suggestedSql, 'sql'));
    }
    return out.join('\n\n');
  });
  return ['## Refused (reported, not guessed)', ...items].join('\n\n');
}

function probeRow(result: RunResult, p: ProbeSummary, round: RoundResult | undefined): string[] {
  const cell = { inTable: true };
  const errors = round ? answers(result).findingsFor(round, p.endpoint).map((f) => mdCode(f.finding.message, cell)) : [];
  const reason = p.ok ? undefined : reasonBeyondStatus(p);
  const why = reason ? mdText(reason) : '';
  return [
    mdText(p.endpoint),
    request(p, cell),
    `${p.ok ? 'ok' : '**fail**'} ${mdText(statusText(p))}`,
    [why, ...errors].filter(Boolean).join('<br>') || (p.ok ? '' : 'no database error found'),
  ];
}

/**
 * Rows of a probe table: every failing endpoint, and the passing ones only while they are few. At
 * 10,000 endpoints a row each made report.md unreadable; report.json and junit.xml keep them all.
 */
const PASSING_ROWS_SHOWN = 20;

function probeTable(result: RunResult, headers: readonly string[], probes: readonly ProbeSummary[], round: RoundResult | undefined): string {
  const passing = probes.reduce((n, p) => n + (p.ok ? 1 : 0), 0);
  const summarise = passing > PASSING_ROWS_SHOWN;
  const shown = summarise ? probes.filter((p) => !p.ok) : probes;
  const table = shown.length > 0 ? mdTable(headers, shown.map((p) => probeRow(result, p, round))) : '';
  const note = summarise ? `${plural(passing, 'other endpoint')} answered as expected (listed in report.json and junit.xml).` : '';
  return [table, note].filter(Boolean).join('\n\n');
}

function rounds(result: RunResult): string {
  if (result.rounds.length === 0) return '';
  const parts = result.rounds.map((round) => {
    const heading = `### Round ${round.number}: ${when(round.startedAt)} (${duration(round.durationMs)})`;
    const table = probeTable(result, ['Endpoint', 'Request', 'Result', 'Database error'], round.probes, round);
    const did = [
      round.repairs.length > 0 ? `${plural(round.repairs.length, 'repair')} (${round.repairs.map((r) => r.status).join(', ')})` : '',
      round.refusals.length > 0 ? plural(round.refusals.length, 'refusal') : '',
    ].filter(Boolean);
    return [heading, table, did.length > 0 ? `Then: ${did.join(', ')}.` : 'Then: nothing to repair.'].join('\n\n');
  });
  return ['## Endpoint results per round', ...parts].join('\n\n');
}

function finalPass(result: RunResult): string {
  if (result.final.length === 0) {
    return '## Final pass\n\nNo confirming pass ran' + (result.mode === 'plan' ? ' (plan mode changes nothing).' : '.');
  }
  const ok = result.final.filter((p) => p.ok).length;
  const table = probeTable(result, ['Endpoint', 'Request', 'Result', 'Reason'], result.final, undefined);
  return `## Final pass\n\n${ok} of ${result.final.length} endpoints answered their expected status.\n\n${table}`;
}

function whatIsLeft(result: RunResult): string {
  const items: string[] = [];
  const { failingAtEnd, refusals, repairs } = answers(result);
  for (const p of failingAtEnd) {
    items.push(`Endpoint **${mdText(p.endpoint)}** ${request(p)} still answers ${mdText(statusText(p))}.`);
  }
  for (const { refusal } of refusals) {
    items.push(`${mdCode(findingName(refusal.findings[0].finding))} was refused (${mdText(refusal.reason)}): ${mdText(refusal.detail)}`);
  }
  for (const { record } of repairs) {
    const name = mdCode(findingName(record.action.findings[0].finding));
    if (record.status === 'failed') {
      items.push(`The repair of ${name} failed: ${mdCode(record.error ?? 'unknown error')}.`);
    }
    if (record.status === 'applied' && record.verification && !record.verification.ok) {
      items.push(`The repair of ${name} ran but did not verify.`);
    }
    for (const w of record.warnings) items.push(`${name}: ${warningText(w)}`);
  }
  for (const w of result.warnings) items.push(mdText(w));
  items.push(...leftInSourcesItems(result));
  if (result.outcome === 'environment-error') {
    items.unshift(`The run did not finish (${mdText(result.reason)}); endpoints not probed are unknown, not passing.`);
  }
  const body =
    items.length === 0
      ? result.outcome === 'green'
        ? 'Nothing: every endpoint passes and every finding was repaired.'
        : `Nothing recorded, but the run ended ${mdText(result.outcome)}: ${mdText(result.reason)}`
      : items.map((i) => `- ${i}`).join('\n');
  return `## What is left\n\n${body}`;
}

/** The config path as it must be typed in a POSIX shell (the commands below are copy-pasted). */
function shellWord(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function whatNext(result: RunResult): string {
  const config = shellWord(result.configFile);
  const steps: string[] = [];
  const { refusals: refused, repairs } = answers(result);
  const refusedNames = () => refused.map(({ refusal }) => mdCode(findingName(refusal.findings[0].finding))).join(', ');
  switch (result.outcome) {
    case 'planned':
      steps.push(
        `Review the planned SQL above (also in \`repair.sql\`), then run ${mdCode(`smoke-fix run ${config} --apply`)} to make the changes.`,
      );
      break;
    case 'stuck':
    case 'max-rounds':
      if (refused.length > 0) {
        steps.push(
          `Handle the refusals by hand: ${refusedNames()}. Each says above what was found and what to check.`,
        );
      }
      if (repairs.some((r) => r.record.status === 'failed')) {
        steps.push('Find out why the failed repair failed (a lock held by the app? see the error above), then run again.');
      }
      if (result.errorCode === NO_ERROR_SOURCE) {
        steps.push(
          `Let smoke-fix read the error the pages hide: add ${mdCode('logs: [<the app\'s log file>]')} or ${mdCode('database.serverLog: true')} to ${mdCode(result.configFile)}.`,
        );
      }
      // "Then" only after a step it follows; alone it would dangle.
      steps.push(`${steps.length > 0 ? 'Then run' : 'Run'} ${mdCode(`smoke-fix run ${config}`)} again.`);
      break;
    case 'environment-error':
      steps.push(`Fix the environment problem (${mdText(result.reason)}), then run ${mdCode(`smoke-fix run ${config}`)} again.`);
      break;
    case 'green':
      if (repairs.some((r) => r.record.status === 'applied')) {
        steps.push('Keep `repair.sql` and `rollback.sql` from this folder with the incident; `rollback.sql` undoes the repairs in reverse order.');
      }
      if (refused.length > 0) {
        steps.push(`Look at the refused names even though every endpoint passes: ${refusedNames()}.`);
      }
      break;
  }
  steps.push(`Run ${mdCode(`smoke-fix scan ${config}`)} to see the rest of the drift (relations still in the source schemas that no endpoint has hit yet).`);
  return `## What to do next\n\n${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`;
}
