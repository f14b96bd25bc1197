/**
 * The `form` profile against a real local HTTP server: the fields it posts, where, the success
 * checks, a broken login page (a finding) and refusals (LoginFailedError). The stacks tests
 * (test/stacks) run it against real Flask and Rails logins.
 */
import t from 'tap';
import type { FormAuth } from '../../src/config/types.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { LoginFailedError } from '../../src/errors.js';
import { createHttpClient } from '../../src/probe/http-client.js';
import { createSessionManager } from '../../src/probe/sessions.js';
import { httpConfig } from './helpers/config.js';
import { startServer } from './helpers/server.js';

const PAGE = (action: string) =>
  `<form action="${action}" method="post"><input type="hidden" name="_token" value="tok-0123456789abcdef"><input name="login"><input type="password" name="secret"></form>`;

async function failure(p: Promise<unknown>): Promise<Error | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
}

interface Posted {
  path: string;
  body: URLSearchParams;
  cookie: string | undefined;
}

async function site(
  t: { teardown(fn: () => unknown): void },
  answer: (posted: Posted) => { status: number; headers?: Record<string, string>; body?: string },
  options: { page?: string; pageStatus?: number } = {},
) {
  const posts: Posted[] = [];
  const server = await startServer(t, (req, res, body) => {
    if (req.method === 'GET' && req.url === '/signin') {
      res.writeHead(options.pageStatus ?? 200, { 'content-type': 'text/html', 'set-cookie': 'sid=anon; Path=/' });
      res.end(options.page ?? PAGE('/session'));
      return;
    }
    if (req.method === 'POST') {
      const posted = { path: req.url ?? '', body: new URLSearchParams(body), cookie: req.headers.cookie };
      posts.push(posted);
      const a = answer(posted);
      res.writeHead(a.status, { 'content-type': 'text/html', ...a.headers });
      res.end(a.body ?? '');
      return;
    }
    res.writeHead(200).end(req.headers.cookie ?? '');
  });
  const client = createHttpClient({ baseUrl: server.url, http: httpConfig({ retries: 0 }), retryMinTimeoutMs: 10 });
  t.teardown(() => client.close());
  const login = async (auth: Partial<FormAuth> = {}) =>
    (await createSessionManager({
      auth: { shop: { type: 'form', loginPath: '/signin', username: 'alice', password: 'pw-Secret-1', success: DEFAULTS.formLogin.success, ...auth } },
      client,
    })).session('shop')!;
  return { posts, login, url: server.url };
}

t.test('posts every field of the form to its action with the cookie the page set; a redirect away is success', async (t) => {
  const { posts, login } = await site(t, () => ({ status: 302, headers: { location: '/home', 'set-cookie': 'sid=user1; Path=/' } }));
  const session = await login();
  const auth = await session.authorize({ method: 'GET' });
  t.equal(auth.kind, 'ready');
  t.equal(posts.length, 1);
  t.equal(posts[0]!.path, '/session', "the form's action");
  t.same([...posts[0]!.body.entries()], [['_token', 'tok-0123456789abcdef'], ['login', 'alice'], ['secret', 'pw-Secret-1']], 'hidden token, then the found fields');
  t.equal(posts[0]!.cookie, 'sid=anon', "the login page's cookie went with the form");
  const secrets = await session.secrets();
  t.ok(secrets.includes('tok-0123456789abcdef') && secrets.includes('user1') && secrets.includes('pw-Secret-1'), 'token, cookie and password are masked');
});

t.test('configured fields, the cookie check and the text check', async (t) => {
  const { posts, login } = await site(t, (p) =>
    p.body.get('pass') === 'pw-Secret-1' ? { status: 200, headers: { 'set-cookie': 'shop=s1; Path=/' }, body: 'Welcome' } : { status: 200, body: 'Invalid login' },
  );
  const ok = await (await login({ usernameField: 'user', passwordField: 'pass', success: { cookie: 'shop' } })).authorize({ method: 'GET' });
  t.equal(ok.kind, 'ready', 'a 200 that sets the configured cookie');
  t.equal(posts[0]!.body.get('user'), 'alice');
  const refused = await failure((await login({ usernameField: 'user', passwordField: 'pw', success: { textAbsent: 'Invalid' } })).authorize({ method: 'GET' }));
  t.ok(refused instanceof LoginFailedError);
  t.match(refused?.message, /its answer says "Invalid"/);
  t.match(refused?.message, /sent: _token, login, secret, user, pw/, 'the configured fields are added to what the form has');
  await t.rejects(
    (await login({ usernameField: 'user', passwordField: 'pass', success: { cookie: 'other' } })).authorize({ method: 'GET' }),
    /it set no new other cookie/,
  );
});

t.test('a wrong password: LoginFailedError naming the profile and the fields, never the password', async (t) => {
  const { login } = await site(t, () => ({ status: 422, body: PAGE('/session') + '<p class="errornote">Bad credentials</p>' }));
  const error = await failure((await login()).authorize({ method: 'GET' }));
  t.ok(error instanceof LoginFailedError);
  const message = (error as Error).message;
  t.match(message, /auth profile "shop": the login at \/signin was refused: it answered 422 \(422: Bad credentials\)/);
  t.match(message, /The form has: _token \(hidden\), login, secret; sent: _token, login, secret/);
  t.notMatch(message, /pw-Secret-1/);
});

t.test('a login page or POST answering 500 is blocked (a finding), retried next round', async (t) => {
  let broken = true;
  const { login } = await site(t, () => (broken ? { status: 500, body: 'relation "users" does not exist' } : { status: 303, headers: { location: '/' } }));
  const session = await login();
  const first = await session.authorize({ method: 'GET' });
  t.equal(first.kind, 'blocked');
  t.match(first.kind === 'blocked' ? first.reason : '', 'login page /signin answered 500 to the login form');
  t.equal(first.kind === 'blocked' ? first.exchange.response?.body : '', 'relation "users" does not exist', 'the answer is the finding');
  broken = false;
  t.equal((await session.authorize({ method: 'GET' })).kind, 'blocked', 'not retried within the round');
  session.beginRound();
  t.equal((await session.authorize({ method: 'GET' })).kind, 'ready', 'logged in next round');

  const page = await site(t, () => ({ status: 302, headers: { location: '/' } }), { pageStatus: 500 });
  const blocked = await (await page.login()).authorize({ method: 'GET' });
  t.match(blocked.kind === 'blocked' ? blocked.reason : '', 'login page /signin answered 500');
});

t.test('refused without sending the password: no login form, a form posting to another origin', async (t) => {
  const none = await site(t, () => ({ status: 302, headers: { location: '/' } }), { page: '<form action="/search"><input name="q"></form>' });
  await t.rejects((await none.login()).authorize({ method: 'GET' }), /has no form with a password input \(1 form without one\)/);
  t.equal(none.posts.length, 0);
  const away = await site(t, () => ({ status: 302, headers: { location: '/' } }), { page: PAGE('https://evil.example/collect') });
  await t.rejects((await away.login()).authorize({ method: 'GET' }), /posts to https:\/\/evil\.example\/collect, outside .*; not sending the password there/);
  t.equal(away.posts.length, 0);
});
