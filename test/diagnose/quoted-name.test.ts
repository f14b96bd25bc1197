import t from 'tap';
import { firstQuotedName } from '../../src/diagnose/quoted-name.js';

t.test('the first quoted name, in the quote pairs of PostgreSQL\'s catalogs', async (t) => {
  t.equal(firstQuotedName('relation "user_profile" does not exist'), 'user_profile');
  t.equal(firstQuotedName('la relation « user_profile » n\'existe pas'), 'user_profile', 'French spaces trimmed');
  t.equal(firstQuotedName('Relation »user_profile« existiert nicht'), 'user_profile');
  t.equal(firstQuotedName('リレーション「user_profile」は存在しません'), 'user_profile');
  t.equal(firstQuotedName('отношение “user_profile” не существует'), 'user_profile');
});

t.test('an unclosed, empty, multi-line or overlong quote is skipped; none at all is undefined', async (t) => {
  t.equal(firstQuotedName('a stray " quote, then «real»'), 'real');
  t.equal(firstQuotedName('""'), undefined);
  t.equal(firstQuotedName('"a\nb"'), undefined);
  t.equal(firstQuotedName(`"${'x'.repeat(200)}" and «real»`), 'real', 'the search for a closing quote is bounded');
  t.equal(firstQuotedName('no quotes here'), undefined);
});
