import t from 'tap';
import { isRedirect, sameLoginPage, secretVariants } from '../../src/probe/login-session.js';

t.test('a password is masked in every form a page may echo it in', async (t) => {
  t.same(secretVariants(`p&ss w<r>d"'`), [`p&ss w<r>d"'`, 'p%26ss%20w%3Cr%3Ed%22\'', 'p&amp;ss w&lt;r&gt;d&quot;&#x27;']);
  t.same(secretVariants('plain'), ['plain'], 'no duplicates');
});

t.test('a redirect back to the login page is recognised, relative or absolute, under a path prefix', async (t) => {
  t.ok(sameLoginPage('/accounts/login/?next=/teams/', 'http://app.test', '/accounts/login/'));
  t.ok(sameLoginPage('http://app.test/shop/accounts/login/', 'http://app.test/shop/', '/accounts/login/'));
  t.ok(sameLoginPage('?next=/teams/', 'http://app.test', '/accounts/login/'), 'relative to the login page');
  t.notOk(sameLoginPage('login/', 'http://app.test', '/accounts/login/'), 'a page below it is another page');
  t.notOk(sameLoginPage('/teams/', 'http://app.test', '/accounts/login/'));
  t.notOk(sameLoginPage('http://evil.test/accounts/login/', 'http://app.test', '/accounts/login/'), 'another origin');
  t.notOk(sameLoginPage('http://[bad', 'http://app.test', '/accounts/login/'), 'not a URL');
  t.same([301, 302, 399, 200, 400].map(isRedirect), [true, true, true, false, false]);
});
