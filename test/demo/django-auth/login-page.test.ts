import t from 'tap';
import { unmaskToken } from '../../../src/demo/django-auth/csrf-token.js';
import { loginForm, safeNext } from '../../../src/demo/django-auth/login-page.js';
import { inputValue } from '../../../src/probe/django-pages.js';

t.test('the form carries a masked token of the secret and escapes what the visitor typed', async (t) => {
  const secret = 'a'.repeat(32);
  const html = loginForm({ path: '/accounts/login/', secret, next: '/teams/', username: '"><script>x</script>', error: 'Please enter a correct username' });
  t.equal(unmaskToken(inputValue(html, 'csrfmiddlewaretoken')!), secret);
  t.equal(inputValue(html, 'next'), '/teams/');
  t.equal(inputValue(html, 'username'), '"><script>x</script>', 'read back as typed');
  t.notMatch(html, '<script>', 'never as markup');
  t.match(html, '<ul class="errorlist nonfield"><li>Please enter a correct username</li></ul>');
  t.match(loginForm({ path: '/admin/login/', secret, user: { id: 1, username: 'bob', isSuperuser: false } }), 'You are authenticated as bob.');
});

t.test('next: a local absolute path only', async (t) => {
  t.equal(safeNext('/teams/?x=1'), '/teams/?x=1');
  for (const bad of ['//evil.test/', '/\\evil.test', 'https://evil.test/', 'teams/', '', null, undefined]) t.equal(safeNext(bad), undefined, String(bad));
});
