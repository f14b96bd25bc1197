import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t from 'tap';
import { renderJunit, xmlSafe } from '../../src/report/junit.js';
import type { RunResult } from '../../src/result.js';
import { environmentErrorRun, greenRun, HOSTILE_NAME, relationFinding, stuckRun } from './fixtures.js';

interface Case {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
  error?: { '@_message': string; '@_type': string };
}

function parse(xml: string): { suite: Record<string, unknown>; cases: Case[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed: ${JSON.stringify(valid.err)}`);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    isArray: (name) => name === 'testcase' || name === 'testsuite',
    parseAttributeValue: false,
  }).parse(xml);
  const suites = doc.testsuites.testsuite as Array<Record<string, unknown>>;
  if (suites.length !== 1) throw new Error(`expected one testsuite, got ${suites.length}`);
  return { suite: suites[0]!, cases: suites[0]!.testcase as Case[] };
}

t.test('green run: one passing testcase per endpoint, judged by the final pass', async (t) => {
  const { suite, cases } = parse(renderJunit(greenRun));
  t.same(cases.map((c) => c['@_name']), ['public profile', 'about', 'settings', 'admin']);
  t.same(cases.filter((c) => c.failure), [], 'no failure: the final pass is what counts');
  t.equal(suite['@_tests'], '4');
  t.equal(suite['@_failures'], '0');
  t.equal(cases[0]!['@_classname'], 'smoke-fix.GET /@alice/');
});

t.test('stuck run: failures carry status, reason and the database errors of the last round', async (t) => {
  const xml = renderJunit(stuckRun);
  const { suite, cases } = parse(xml);
  t.equal(cases.length, 3);
  t.equal(suite['@_failures'], '3');
  const billing = cases.find((c) => c['@_name'] === 'billing')!;
  t.equal(billing.failure?.['@_type'], 'HTTP 500');
  t.equal(billing.failure?.['@_message'], '500 (expected 200)');
  t.match(billing.failure?.['#text'], 'GET /billing/ answered 500 (expected 200) in round 2.');
  t.match(billing.failure?.['#text'], 'relation "billing_invoice" does not exist');
  const search = cases.find((c) => c['@_name'] === 'search <b>')!;
  t.ok(search, 'the endpoint name with markup survives escaping and parses back');
  t.match(search.failure?.['#text'], HOSTILE_NAME, 'the hostile message parses back intact');
});

t.test('a testcase for an endpoint only probed in an early round uses that round', async (t) => {
  const [r1, r2] = stuckRun.rounds;
  const result: RunResult = { ...stuckRun, rounds: [r1!, { ...r2!, probes: r2!.probes.filter((p) => p.endpoint !== 'teams') }] };
  const teams = parse(renderJunit(result)).cases.find((c) => c['@_name'] === 'teams')!;
  t.match(teams.failure?.['#text'], 'in round 1.');
});

t.test('characters XML 1.0 forbids are stripped; the file stays well-formed', async (t) => {
  const nasty = 'bad\u0000\u0001\u0008\u000b\u000c\u001b\ufffe\uffff\ud800 "q" \'a\' <&> ]]> end';
  const message = `relation "${nasty}" does not exist`;
  const [r1] = stuckRun.rounds;
  const result: RunResult = {
    ...stuckRun,
    reason: `stuck on ${nasty}`,
    rounds: [
      {
        ...r1!,
        probes: r1!.probes.map((p) => ({ ...p, endpoint: `${p.endpoint} ${nasty}`, reason: `500 ${nasty}` })),
        findings: r1!.findings.map((f) => ({
          finding: relationFinding(nasty),
          source: { type: 'body' as const, endpoint: `${f.source.endpoint} ${nasty}` },
        })),
      },
    ],
  };
  const xml = renderJunit(result);
  t.notMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/, 'no forbidden character in the file');
  const { cases } = parse(xml);
  t.equal(cases[0]!['@_name'], 'billing bad "q" \'a\' <&> ]]> end', 'attribute escaped and parsed back');
  t.match(cases[0]!.failure?.['#text'], 'relation "bad "q" \'a\' <&> ]]> end" does not exist');
  t.equal(xmlSafe(message), 'relation "bad "q" \'a\' <&> ]]> end" does not exist');
  t.equal(xmlSafe('pair \ud83d\ude00 kept'), 'pair \ud83d\ude00 kept', 'a valid surrogate pair (emoji) is kept');
});

t.test('an environment error is a red <error> testcase even with no endpoint probed', async (t) => {
  const { suite, cases } = parse(renderJunit(environmentErrorRun));
  t.equal(cases.length, 1);
  t.equal(cases[0]!.error?.['@_type'], 'DB_UNREACHABLE');
  t.equal(suite['@_errors'], '1');
});
