/** The `form` auth profile in a config file: defaults, the success checks, mistakes named by line. */
import t from 'tap';
import { loadConfig, validateConfigFile } from '../../src/config/load.js';
import { MINIMAL, writeConfig } from './write-config.js';

t.test('a form profile gets redirectAwayFrom by default; fields and checks as written', async (t) => {
  const file = writeConfig(
    t,
    MINIMAL +
      `auth:
  plain: { type: form, loginPath: /login, username: alice, password: pw }
  shop: { type: form, loginPath: /users/sign_in, username: a@b.c, password: \${PW}, usernameField: "user[email]", passwordField: "user[password]", success: { cookie: _shop_session, textAbsent: Invalid } }
`,
  );
  const config = await loadConfig(file, { PW: 'secret' });
  t.same(config.auth.plain, { type: 'form', loginPath: '/login', username: 'alice', password: 'pw', success: { redirectAwayFrom: true } });
  t.same(config.auth.shop, {
    type: 'form',
    loginPath: '/users/sign_in',
    username: 'a@b.c',
    password: 'secret',
    usernameField: 'user[email]',
    passwordField: 'user[password]',
    success: { cookie: '_shop_session', textAbsent: 'Invalid' },
  });
});

t.test('a misspelt success check and a relative loginPath are errors with their line', async (t) => {
  const file = writeConfig(
    t,
    MINIMAL +
      `auth:
  shop: { type: form, loginPath: login, username: alice, password: pw, success: { cokie: s } }
`,
  );
  const { config, problems } = await validateConfigFile(file, {});
  t.equal(config, undefined);
  const text = problems.map((p) => `${p.line}: ${p.message}`).join('\n');
  t.match(text, /7: must start with `\/`/);
  t.match(text, /7: unknown key `cokie`; did you mean `cookie`\?/);
});
