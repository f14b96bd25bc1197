import t from 'tap';
import { quoteIdent, qualified, quoteLiteral } from '../../src/db/quote.js';

t.test('quoteIdent doubles embedded quotes and wraps the name', async (t) => {
  t.equal(quoteIdent('user_profile'), '"user_profile"');
  t.equal(quoteIdent('MixedCase'), '"MixedCase"');
  t.equal(quoteIdent('x"; DROP TABLE users; --'), '"x""; DROP TABLE users; --"');
  t.equal(qualified('test_schema', 'a.b'), '"test_schema"."a.b"');
  t.throws(() => quoteIdent(''), /empty/);
  t.throws(() => quoteIdent('a\u0000b'), /NUL/);
});

t.test('quoteLiteral doubles single quotes', async (t) => {
  t.equal(quoteLiteral("it's"), "'it''s'");
});
