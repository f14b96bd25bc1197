import t from 'tap';
import { maskSecret, newSecret, SECRET_LENGTH, unmaskToken, validSecret } from '../../../src/demo/django-auth/csrf-token.js';

t.test('a masked token is twice as long, differs per page, and unmasks to the secret', async (t) => {
  const secret = newSecret();
  t.match(secret, /^[a-zA-Z0-9]{32}$/);
  const a = maskSecret(secret);
  const b = maskSecret(secret);
  t.equal(a.length, 2 * SECRET_LENGTH);
  t.not(a, b, 'a fresh mask each time');
  t.not(a.slice(SECRET_LENGTH), secret, 'the secret itself is not in the token');
  t.equal(unmaskToken(a), secret);
  t.equal(unmaskToken(b), secret);
});

t.test('only a 32-character alphanumeric cookie is a secret', async (t) => {
  const secret = newSecret();
  t.equal(validSecret(secret), secret);
  t.equal(validSecret(secret.slice(1)), undefined, 'too short');
  t.equal(validSecret(`${secret.slice(1)}-`), undefined, 'a character Django never uses');
  t.equal(validSecret(undefined), undefined);
});
