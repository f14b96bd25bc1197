/** Bounded body reading: the cap counts decoded bytes, a broken-off body keeps what arrived, text never throws. */
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { charsetOf, decodedBody, decodeText, readCapped } from '../../src/probe/body.js';

const error = 'ERROR: relation "user_profile" does not exist';

t.test('each coding is undone, in reverse order of application; an unknown one is left as it came', async (t) => {
  t.equal((await readCapped(decodedBody(Readable.from([gzipSync(error)]), 'gzip'), 1000)).bytes.toString(), error);
  t.equal((await readCapped(decodedBody(Readable.from([deflateSync(error)]), 'Deflate'), 1000)).bytes.toString(), error);
  const twice = brotliCompressSync(gzipSync(error));
  t.equal((await readCapped(decodedBody(Readable.from([twice]), 'gzip, br'), 1000)).bytes.toString(), error);
  const odd = Buffer.from('zstd bytes');
  t.same((await readCapped(decodedBody(Readable.from([odd]), 'zstd'), 1000)).bytes, odd);
});

t.test('a gzip bomb stops at the cap of decoded bytes', async (t) => {
  const bomb = gzipSync(Buffer.concat([Buffer.from(error), Buffer.alloc(20 * 1024 * 1024)]));
  t.ok(bomb.length < 100_000, 'small on the wire');
  const read = await readCapped(decodedBody(Readable.from([bomb]), 'gzip'), 4096);
  t.equal(read.bytes.length, 4096);
  t.match(read, { truncated: true, cut: 'cap' });
  t.equal(read.bytes.subarray(0, error.length).toString(), error, 'the top of the page is kept');
});

t.test('a body that breaks off keeps what arrived; one that breaks before anything throws', async (t) => {
  async function* broken(first?: string) {
    if (first) yield Buffer.from(first);
    throw new Error('socket hang up');
  }
  t.same(await readCapped(broken(error), 1000), { bytes: Buffer.from(error), truncated: true, cut: 'interrupted' });
  await t.rejects(readCapped(broken(), 1000), /socket hang up/);
  t.same(await readCapped(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 4), { bytes: Buffer.from('abcd'), truncated: false });
});

t.test('text in the declared charset; bad or cut bytes become U+FFFD', async (t) => {
  t.equal(charsetOf('text/html; charset="ISO-8859-1"'), 'iso-8859-1');
  t.equal(charsetOf('text/html'), undefined);
  t.equal(decodeText(Buffer.from([0x52, 0x65, 0x6c, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20, 0xab]), 'text/plain; charset=latin1'), 'Relation «');
  t.equal(decodeText(Buffer.from('«x»').subarray(0, 4), 'text/plain'), '«x\ufffd', 'a character cut by the cap');
  t.equal(decodeText(Buffer.from('ok'), 'text/plain; charset=no-such-charset'), 'ok', 'an unknown charset is read as UTF-8');
});
