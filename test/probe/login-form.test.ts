/** Which field takes the user name: read from the login form as a browser sees it. */
import t from 'tap';
import { readLoginForm } from '../../src/probe/login-form.js';

const csrf = '<input type="hidden" name="csrfmiddlewaretoken" value="tok">';

t.test('Django\'s form: username; allauth\'s: login; a custom one: email', async (t) => {
  t.same(readLoginForm(`<form method="post">${csrf}<input type="text" name="username" autofocus><input type="password" name="password"></form>`, 'password'), {
    fields: ['csrfmiddlewaretoken', 'username', 'password'],
    usernameField: 'username',
  });
  const allauth = `<form class="login" method="POST" action="/accounts/login/">${csrf}
    <p><label for="id_login">Username:</label> <input type="text" name="login" placeholder="Username" autocomplete="username" maxlength="150" required id="id_login"></p>
    <p><label for="id_password">Password:</label> <input type="password" name="password" placeholder="Password" autocomplete="current-password" required id="id_password"></p>
    <p><input type="checkbox" name="remember" id="id_remember"></p></form>`;
  t.same(readLoginForm(allauth, 'password'), { fields: ['csrfmiddlewaretoken', 'login', 'password', 'remember'], usernameField: 'login' });
  t.equal(readLoginForm(`<form>${csrf}<input name=email type=email><input type=password name=password></form>`, 'password')?.usernameField, 'email');
});

t.test('only the form holding the password counts; several text inputs need autocomplete=username', async (t) => {
  const page = `<form action="/search/"><input type="text" name="q"></form>
    <!-- <input type="text" name="commented"> -->
    <form method="post">${csrf}<input type="text" name="nickname_trap"><input type='text' name='user' autocomplete='username'><input type="password" name="pw"></form>`;
  t.same(readLoginForm(page, 'pw'), { fields: ['csrfmiddlewaretoken', 'nickname_trap', 'user', 'pw'], usernameField: 'user' });
  const unclear = `<form>${csrf}<input type="text" name="a"><input type="text" name="b"><input type="password" name="password"></form>`;
  t.equal(readLoginForm(unclear, 'password')?.usernameField, undefined, 'two candidates and no hint: no guess');
  t.equal(readLoginForm('<p>no form here</p>', 'password'), undefined, 'no password input: not a login form');
});
