import t from 'tap';
import { closest, didYouMean, editDistance, listOf } from '../../src/config/suggest.js';

t.test('a swapped pair of letters costs one edit; case costs nothing', async (t) => {
  t.equal(editDistance('endpiont', 'endpoint'), 1);
  t.equal(editDistance('baseURL', 'baseUrl'), 0);
  t.equal(editDistance('', 'abc'), 3);
  t.equal(editDistance('kitten', 'sitting'), 3);
});

t.test('a likely typo gets a suggestion; an unrelated word does not', async (t) => {
  const keys = ['baseUrl', 'endpoints', 'database', 'report'];
  t.equal(closest('endpiont', keys), 'endpoints');
  t.equal(didYouMean('baseURL', keys), '; did you mean `baseUrl`?');
  t.equal(closest('url', ['dir']), undefined, 'a third of a short word is one edit');
  t.equal(didYouMean('zzzzzz', keys), '');
  t.equal(listOf(['a', 'b']), '`a`, `b`');
});
