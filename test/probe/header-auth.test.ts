import t from 'tap';
import { headerSession } from '../../src/probe/header-auth.js';

t.test('each profile sends its header on every request and names its secrets', async (t) => {
  const bearer = headerSession('api', { type: 'bearer', token: 'tok-1' });
  t.match(await bearer.authorize({ method: 'GET' }), { kind: 'ready', headers: { authorization: 'Bearer tok-1' } });
  t.same(await bearer.secrets(), ['tok-1']);

  const basic = headerSession('admin', { type: 'basic', username: 'alice', password: 'pä:ss' });
  const encoded = Buffer.from('alice:pä:ss', 'utf8').toString('base64');
  t.match(await basic.authorize({ method: 'POST' }), { headers: { authorization: `Basic ${encoded}` } });
  t.same(await basic.secrets(), ['pä:ss', encoded], 'the password and its base64 form are both masked');

  const header = headerSession('key', { type: 'header', name: 'X-Api-Key', value: 'k-9' });
  t.match(await header.authorize({ method: 'GET' }), { kind: 'ready', headers: { 'x-api-key': 'k-9' } });
  t.equal(header.isLoginPage({ status: 302 } as never), false, 'no login page to detect');
  t.equal(await header.renew({} as never), undefined, 'nothing to renew');
});
