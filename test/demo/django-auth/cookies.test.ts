import type { IncomingMessage } from 'node:http';
import t from 'tap';
import { cookieHeader, parseCookies } from '../../../src/demo/django-auth/cookies.js';

t.test('cookies read from the request header, spaces trimmed, valueless parts ignored', async (t) => {
  const req = { headers: { cookie: 'csrftoken=abc; sessionid = k1 ;flag; a=b=c' } } as unknown as IncomingMessage;
  t.same(Object.fromEntries(parseCookies(req)), { csrftoken: 'abc', sessionid: 'k1', a: 'b=c' });
  t.same(parseCookies({ headers: {} } as IncomingMessage).size, 0);
});

t.test('Set-Cookie as Django writes it: expiry, path, SameSite; HttpOnly and Secure when asked', async (t) => {
  const header = cookieHeader('sessionid', 'k1', { maxAge: 60, httpOnly: true, secure: true });
  t.match(header, /^sessionid=k1; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Max-Age=60; Path=\/; SameSite=Lax; HttpOnly; Secure$/);
  const expires = Date.parse(/expires=([^;]+)/.exec(header)![1]!);
  t.ok(Math.abs(expires - (Date.now() + 60_000)) < 2000, 'expires in Max-Age seconds');
  t.equal(cookieHeader('csrftoken', 'x', { maxAge: 1, httpOnly: false, secure: false }).endsWith('SameSite=Lax'), true);
});
