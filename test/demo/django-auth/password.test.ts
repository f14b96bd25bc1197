import t from 'tap';
import { checkPassword, hashPassword } from '../../../src/demo/django-auth/password.js';

t.test('passwords are stored salted and checked', async (t) => {
  const encoded = hashPassword('s3cret');
  t.match(encoded, /^sha256\$[0-9a-f]{24}\$[0-9a-f]{64}$/);
  t.not(hashPassword('s3cret'), encoded, 'a fresh salt each time');
  t.ok(checkPassword('s3cret', encoded));
  t.notOk(checkPassword('S3cret', encoded));
});

t.test('a stored value of another algorithm or shape never checks', async (t) => {
  const encoded = hashPassword('s3cret', 'salt');
  t.equal(encoded, hashPassword('s3cret', 'salt'), 'the same salt gives the same hash');
  t.notOk(checkPassword('s3cret', encoded.replace(/^sha256/, 'pbkdf2_sha256')), 'another algorithm');
  t.notOk(checkPassword('s3cret', 'sha256$salt'), 'no hash part');
  t.notOk(checkPassword('s3cret', ''), 'empty');
});
