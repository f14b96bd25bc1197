/** Finding the login form, and what it submits, in pages as Rails, Laravel, Flask-WTF render them. */
import t from 'tap';
import { findLoginForm, parseForms } from '../../src/probe/html-forms.js';

t.test('Rails form_with: authenticity_token, bracketed names, the action and method', async (t) => {
  const html = `<form class="search" action="/search" method="get"><input name="q"></form>
<form action="/users/sign_in" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="a+b/c==&amp;x" autocomplete="off" />
  <input autofocus="autofocus" type="email" value="" name="user[email]" id="user_email" />
  <input type="password" name="user[password]" id="user_password" />
  <input name="user[remember_me]" type="hidden" value="0" /><input type="checkbox" value="1" name="user[remember_me]" />
  <input type="submit" name="commit" value="Log in" /></form>`;
  const form = findLoginForm(html)!;
  t.equal(form.action, '/users/sign_in');
  t.equal(form.method, 'POST');
  t.equal(form.usernameField, 'user[email]', 'the text-like input before the password input');
  t.equal(form.passwordField, 'user[password]');
  t.same(
    form.fields.map((f) => [f.name, f.value]),
    [
      ['authenticity_token', 'a+b/c==&x'],
      ['user[email]', ''],
      ['user[password]', ''],
      ['user[remember_me]', '0'],
    ],
    'entities decoded; unchecked box and submit button not submitted',
  );
});

t.test('Laravel _token, Flask-WTF csrf_token; a form without a password input is not the login form', async (t) => {
  const laravel = `<form method="POST" action="http://shop.test/login"><input type="hidden" name="_token" value="tok123"><input id="email" type="email" name="email" required>
<input id="password" type="password" name="password"><select name="guard"><option value="web">Web</option><option value="admin" selected>Admin</option></select></form>`;
  const form = findLoginForm(laravel)!;
  t.same(form.fields.map((f) => `${f.name}=${f.value}`), ['_token=tok123', 'email=', 'password=', 'guard=admin']);
  const flask = `<form method=post><input id="csrf_token" name="csrf_token" type="hidden" value="IjQ5.Zx"><input id=email name=email type=text value=""><input id=password name=password type=password value=""></form>`;
  const f2 = findLoginForm(flask)!;
  t.equal(f2.action, '', 'no action: the form posts to its own page');
  t.same([f2.usernameField, f2.passwordField], ['email', 'password']);
  t.equal(findLoginForm('<form action="/subscribe"><input name="email"></form>'), undefined);
});

t.test('forms in comments, scripts and templates are not the page\'s form; a nested <form> is ignored', async (t) => {
  const html = `<!-- <form action="/evil"><input type="password" name="pw"></form> -->
<script>document.write('<form action="/evil2"><input type=password name=p></form>')</script>
<form action="/login"><form action="/inner"><input name="u"><input type="password" name="p" disabled><input type="password" name="p2"></form>`;
  const forms = parseForms(html);
  t.same(forms.map((f) => f.action), ['/login'], 'one form: comment and script text are not markup, the nested tag is dropped');
  t.equal(forms[0]!.passwordField, 'p', 'the first password input names the field even when disabled');
  t.same(forms[0]!.fields.map((f) => f.name), ['u', 'p2'], 'a disabled input is not submitted');
});
