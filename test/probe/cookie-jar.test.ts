import t from 'tap';
import { createSessionJar } from '../../src/probe/cookie-jar.js';

t.test('cookies are sent back by path; every value ever held is remembered for masking', async (t) => {
  const jar = createSessionJar();
  await jar.setCookie('sessionid=first; Path=/; HttpOnly', 'http://127.0.0.1:8000/accounts/login/', { ignoreError: true });
  await jar.setCookie('sessionid=second; Path=/', 'http://127.0.0.1:8000/accounts/login/', { ignoreError: true });
  await jar.setCookie('admin=a1; Path=/admin', 'http://127.0.0.1:8000/admin/', { ignoreError: true });
  t.equal(await jar.value('sessionid', 'http://127.0.0.1:8000/'), 'second');
  t.equal(await jar.getCookieString('http://127.0.0.1:8000/teams/'), 'sessionid=second');
  t.equal(await jar.value('admin', 'http://127.0.0.1:8000/admin/x'), 'a1');
  t.same(jar.valuesSeen().sort(), ['a1', 'first', 'second']);
  await jar.clear();
  t.equal(await jar.value('sessionid', 'http://127.0.0.1:8000/'), undefined);
  t.same(jar.valuesSeen().sort(), ['a1', 'first', 'second'], 'cleared cookies stay masked');
});

t.test('a Secure cookie: kept for localhost over http, never for another host over http', async (t) => {
  const local = createSessionJar();
  await local.setCookie('sessionid=s1; Path=/; Secure', 'http://localhost:8000/login/', { ignoreError: true });
  t.equal(await local.value('sessionid', 'http://localhost:8000/'), 's1');
  const remote = createSessionJar();
  await remote.setCookie('sessionid=s2; Path=/; Secure', 'http://shop.example.com/login/', { ignoreError: true });
  t.equal(await remote.value('sessionid', 'http://shop.example.com/'), undefined);
  t.equal(await remote.value('sessionid', 'https://shop.example.com/'), undefined, 'not stored at all');
});
