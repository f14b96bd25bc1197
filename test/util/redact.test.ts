import t from 'tap';
import { maskSecrets, redactUrl } from '../../src/util/redact.js';

t.test('a URL loses its password and secret-looking parameters', async (t) => {
  t.equal(redactUrl('postgres://app:s3cret@db:5432/shop'), 'postgres://app:***@db:5432/shop');
  t.equal(redactUrl('postgres://db/shop?password=x&sslmode=require&api_token=y'), 'postgres://db/shop?password=***&sslmode=require&api_token=***');
  t.equal(redactUrl('postgres://app@db/shop'), 'postgres://app@db/shop', 'nothing to hide');
  t.equal(redactUrl('not a url with s3cret'), '<unparseable url>');
});

t.test('maskSecrets hides each secret in the text', async (t) => {
  const out = maskSecrets('login alice / hunter2 failed (hunter2)', ['hunter2']);
  t.notMatch(out, 'hunter2');
  t.match(out, /^login alice \/ .+ failed/);
});
