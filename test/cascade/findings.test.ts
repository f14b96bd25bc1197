/** Which log records may drive repairs: only those about the requests smoke-fix made. */
import t from 'tap';
import { collectFindings } from '../../src/cascade/findings.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import type { EndpointConfig } from '../../src/config/types.js';
import type { ProbeResult } from '../../src/probe/types.js';

const endpoints: EndpointConfig[] = [{ name: 'profile', path: '/@alice/', method: 'GET', expect: [200], headers: {} }];

t.test('log records are attributed by path; records about other requests are ignored', async (t) => {
  const found = collectFindings({
    failing: [],
    endpoints,
    diagnose: (text) => diagnose(text),
    logs: [
      { source: { type: 'log', file: 'django.log' }, requestPath: '/@alice/?tab=about', text: 'Internal Server Error: /@alice/\nrelation "about_item" does not exist' },
      // A visitor's crafted URL, logged by Django's 404 handler: not a request smoke-fix made.
      { source: { type: 'log', file: 'django.log' }, requestPath: '/relation "users" does not exist', text: 'Not Found: /relation "users" does not exist' },
      { source: { type: 'server-log' }, text: 'ERROR:  relation "stream_config" does not exist' },
    ],
  });
  t.same(
    found.map((f) => [f.finding.kind === 'missing-relation' ? f.finding.name : '', f.sources]),
    [
      ['about_item', [{ type: 'log', file: 'django.log', endpoint: 'profile' }]],
      ['stream_config', [{ type: 'server-log' }]],
    ],
  );
});

t.test('a finding read in a body and proven by the history is one finding with one key and both sources', async (t) => {
  const found = collectFindings({
    failing: [{ endpoint: 'profile', body: 'relation "shop_item" does not exist', contentType: 'text/plain' } as unknown as ProbeResult],
    endpoints,
    diagnose: (text) => diagnose(text),
    logs: [],
    proven: [
      { finding: { kind: 'missing-relation', name: 'shop_item', message: 'shop_item is expected in public', language: 'history' }, migration: 'shop.0001_initial' },
      { finding: { kind: 'missing-relation', name: 'shop_tag', message: 'shop_tag is expected in public', language: 'history' }, migration: 'shop.0002_tags' },
    ],
  });
  t.same(
    found.map((f) => [f.key, f.sources]),
    [
      ['relation:.shop_item', [{ type: 'body', endpoint: 'profile' }, { type: 'history', migration: 'shop.0001_initial' }]],
      ['relation:.shop_tag', [{ type: 'history', migration: 'shop.0002_tags' }]],
    ],
  );
  t.equal(found[0]!.finding.message, 'relation "shop_item" does not exist', 'the finding as first read (the body) is the one kept');
});
