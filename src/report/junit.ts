/**
 * junit.xml for CI: one testsuite, one testcase per endpoint. The attempt that counts is the
 * final pass when there is one, else the last round that probed the endpoint (hurl-style: only
 * the last attempt counts). Built with fast-xml-parser's XMLBuilder, which escapes `& < > " '`
 * in text and attributes; characters XML 1.0 cannot carry at all are stripped here first.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { answers, type ProbeSummary, type RoundResult, type RunResult } from '../result.js';
import { statusText } from './describe.js';
import { reasonBeyondStatus } from '../probe/types.js';

/**
 * XML 1.0 `Char` excludes C0 controls other than tab/LF/CR, U+FFFE/U+FFFF and lone surrogates; a
 * hostile body can carry any of them, and a single one makes the whole file unparseable.
 */
export function xmlSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

/** Attribute values are normalised to one line by every XML parser: do it visibly here. */
function attr(text: string): string {
  return xmlSafe(text).replace(/\s+/g, ' ').trim();
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The round whose findings explain a failure: the probe's own round, else the last one. */
function explainingRound(result: RunResult, round: RoundResult | undefined): RoundResult | undefined {
  return round ?? result.rounds[result.rounds.length - 1];
}

function failureText(result: RunResult, probe: ProbeSummary, round: RoundResult | undefined): string {
  const where = round ? `round ${round.number}` : 'the final pass';
  const lines = [`${probe.method} ${probe.path} answered ${statusText(probe)} in ${where}.`];
  const reason = reasonBeyondStatus(probe);
  if (reason) lines.push(`Reason: ${reason}`);
  if (probe.failure) lines.push(`Transport: ${probe.failure.code} ${probe.failure.message}`);
  const explaining = explainingRound(result, round);
  const findings = explaining ? answers(result).findingsFor(explaining, probe.endpoint) : [];
  if (findings.length > 0) {
    lines.push(`Database errors read for this endpoint in round ${explaining!.number}:`);
    for (const f of findings) lines.push(`  ${f.finding.message}`);
  }
  lines.push(`Run outcome: ${result.outcome}: ${result.reason}`);
  return xmlSafe(lines.join('\n'));
}

function testcase(result: RunResult, name: string): Record<string, unknown> {
  const last = answers(result).lastProbe(name)!;
  const { probe, round } = last;
  const node: Record<string, unknown> = {
    '@_name': attr(name),
    '@_classname': attr(`smoke-fix.${probe.method} ${probe.path}`),
    '@_time': seconds(probe.durationMs),
  };
  if (!probe.ok) {
    const reason = reasonBeyondStatus(probe);
    node.failure = {
      '@_message': attr(`${statusText(probe)}${reason ? `: ${reason}` : ''}`),
      '@_type': attr(probe.status === null ? probe.failure?.code ?? 'no-answer' : `HTTP ${probe.status}`),
      '#text': failureText(result, probe, round),
    };
  }
  return node;
}

/** What the run did, for the CI log: one line per repair and refusal. */
function systemOut(result: RunResult): string {
  const n = answers(result).counts;
  const lines = [
    `smoke-fix ${result.outcome} (${result.mode}): ${result.reason}`,
    `rounds: ${n.rounds}  repairs: ${n.applied} applied, ${n.planned} planned, ${n.failed} failed  refused: ${n.refused}`,
  ];
  for (const round of result.rounds) {
    for (const r of round.repairs) lines.push(`round ${round.number} ${r.status}: ${r.action.sql}`);
    for (const r of round.refusals) lines.push(`round ${round.number} refused (${r.reason}): ${r.detail}`);
  }
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return xmlSafe(lines.join('\n'));
}

export function renderJunit(result: RunResult): string {
  const cases = answers(result).endpoints.map((name) => testcase(result, name));
  if (result.outcome === 'environment-error') {
    // The run itself failed: CI must see a red error, even when no endpoint was probed.
    cases.push({
      '@_name': 'smoke-fix run',
      '@_classname': 'smoke-fix',
      '@_time': seconds(result.durationMs),
      error: { '@_message': attr(result.reason), '@_type': attr(result.errorCode ?? 'environment-error'), '#text': xmlSafe(result.reason) },
    });
  }
  const failures = cases.filter((c) => 'failure' in c).length;
  const errors = cases.filter((c) => 'error' in c).length;
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'smoke-fix',
      '@_tests': cases.length,
      '@_failures': failures,
      '@_errors': errors,
      '@_time': seconds(result.durationMs),
      testsuite: {
        '@_name': attr(`smoke-fix ${result.baseUrl}`),
        '@_tests': cases.length,
        '@_failures': failures,
        '@_errors': errors,
        '@_skipped': 0,
        '@_time': seconds(result.durationMs),
        '@_timestamp': attr(result.startedAt),
        properties: {
          property: [
            { '@_name': 'outcome', '@_value': result.outcome },
            { '@_name': 'mode', '@_value': result.mode },
            { '@_name': 'database', '@_value': attr(result.database) },
            { '@_name': 'targetSchema', '@_value': attr(result.targetSchema) },
            { '@_name': 'sourceSchemas', '@_value': attr(result.sourceSchemas.join(',')) },
            ...Object.entries(answers(result).counts).map(([name, value]) => ({ '@_name': `count.${name}`, '@_value': value })),
          ],
        },
        testcase: cases,
        'system-out': systemOut(result),
      },
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    // The default writes an attribute whose value is "true" with no value at all: not XML.
    suppressBooleanAttributes: false,
    suppressEmptyNode: true,
  });
  return builder.build(doc) as string;
}
