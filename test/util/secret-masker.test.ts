/** The one masking function: every spelling, overlaps, cut prefixes, secrets learned mid-run. */
import t from 'tap';
import { createMasker, spellingsOf } from '../../src/util/secret-masker.js';

const SECRET = 'pa ss!wörd"&/+=';

t.test('every encoding smoke-fix or the app may write is masked', async (t) => {
  const m = createMasker([SECRET]);
  const forms = {
    raw: SECRET,
    json: JSON.stringify(SECRET).slice(1, -1),
    jsonAscii: 'pa ss!w\\u00f6rd\\"&/+=',
    url: encodeURIComponent(SECRET),
    urlLower: encodeURIComponent(SECRET).toLowerCase(),
    form: new URLSearchParams({ p: SECRET }).toString().slice(2),
    html: 'pa ss!wörd&quot;&amp;/+=',
    base64: Buffer.from(SECRET).toString('base64'),
    base64url: Buffer.from(SECRET).toString('base64url'),
  };
  for (const [name, form] of Object.entries(forms)) {
    t.equal(m.mask(`before ${form} after`), 'before *** after', name);
  }
  t.ok(forms.form.includes('+') && forms.form.includes('%21'), 'the form spelling has + and %21');
});

t.test('a password inside basic auth base64 is masked at any offset', async (t) => {
  const m = createMasker(['s3cret-basic-pw']);
  for (const user of ['a', 'ab', 'abc', 'alice']) {
    const header = `Basic ${Buffer.from(`${user}:s3cret-basic-pw`).toString('base64')}`;
    t.notMatch(m.mask(header), Buffer.from('s3cret-basic-pw').toString('base64').slice(2, 12), `user ${user}`);
    t.match(m.mask(header), /\*\*\*/, `user ${user}: masked`);
  }
});

t.test('a prefix cut by an excerpt is masked at the end of a text or before …', async (t) => {
  const m = createMasker(['abcdefghij']);
  t.equal(m.mask('x abcd'), 'x ***', '4 chars at the end');
  t.equal(m.mask('x abcdefg…'), 'x ***…', 'before the ellipsis');
  t.equal(m.mask('x abc'), 'x abc', '3 chars are not enough');
  t.equal(m.mask('abcd y'), 'abcd y', 'a prefix in the middle of a text is just text');
  t.equal(createMasker(['abcde']).mask('x abcd'), 'x abcd', 'secrets under 6 chars are not cut-masked');
});

t.test('overlapping and nested secrets become one mask; short ones are ignored', async (t) => {
  const m = createMasker(['token-1234', '1234-more', 'abc']);
  t.equal(m.mask('a token-1234-more b'), 'a *** b');
  t.equal(m.mask('abc'), 'abc');
  t.equal(spellingsOf('abc').length, 0);
});

t.test('secrets learned mid-run (a session cookie) are masked from then on', async (t) => {
  const m = createMasker(['first-secret']);
  t.equal(m.mask('cookie zzzsessionzzz'), 'cookie zzzsessionzzz');
  m.add(['zzzsessionzzz']);
  t.equal(m.mask('cookie zzzsessionzzz and first-secret'), 'cookie *** and ***');
});

t.test('maskDeep reaches strings in objects, arrays and errors; keeps dates', async (t) => {
  const m = createMasker(['deep-secret']);
  const when = new Date(0);
  const out = m.maskDeep({ a: ['x deep-secret'], b: { c: new Error('deep-secret failed') }, when, n: 1 });
  t.same(out.a, ['x ***']);
  t.equal((out.b.c as Error).message, '*** failed');
  t.equal(out.when, when);
  t.equal(out.n, 1);
});

t.test('text masked in chunks comes out as the whole text masked, wherever the chunks split it', async (t) => {
  const secrets = ['token-1234', '1234-more', 'abcdefghij', SECRET];
  const m = createMasker(secrets);
  // Deterministic pseudo-random pieces: filler, spellings, cut prefixes before `…`, adjacent ones.
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const pieces = [...secrets.flatMap(spellingsOf), 'abcdefg…', 'abcd', ' ', '\n', 'x'.repeat(50), 'token-1234-more'];
  for (let round = 0; round < 12; round++) {
    let text = '';
    while (text.length < 300_000) text += random(3) === 0 ? pieces[random(pieces.length)] : 'lorem ipsum '.repeat(random(40));
    text += round % 2 === 0 ? 'abcdef' : '';
    const chunks: string[] = [];
    for (let at = 0; at < text.length; ) {
      const size = random(4) === 0 ? 1 + random(20) : 1 + random(70_000);
      chunks.push(text.slice(at, at + size));
      at += size;
    }
    const pieced = [...m.maskChunks(chunks)];
    t.ok(pieced.length > 1, `round ${round}: written in ${pieced.length} pieces`);
    t.equal(pieced.join(''), m.mask(text), `round ${round}: the same text as masking it whole`);
  }
  // The longest spelling ending just before the point where a piece would stop: held back whole.
  const longest = secrets.flatMap(spellingsOf).sort((a, b) => b.length - a.length)[0]!;
  for (const after of [1, 2, longest.length >> 1, longest.length - 1]) {
    const text = 'y'.repeat(70_000 - after - longest.length) + longest + 'z'.repeat(after);
    t.equal([...m.maskChunks([text, ' tail'])].join(''), m.mask(text + ' tail'), `a spelling ${after} chars before the end of a chunk`);
  }
  t.same([...createMasker([]).maskChunks(['a', 'b'])], ['a', 'b'], 'no secrets: the chunks as they are');
});
