import t from 'tap';
import { LineSplitter } from '../../src/logs/line-splitter.js';
import { readWindow } from '../../src/logs/read-window.js';

t.test('a line cut between reads, even inside a UTF-8 character, comes out whole', async (t) => {
  const s = new LineSplitter(1024);
  const bytes = Buffer.from('Relation »x« existiert nicht\r\nnext');
  const cut = bytes.indexOf(0xbb); // second byte of "»"
  t.same(s.push(bytes.subarray(0, cut)), []);
  t.same(s.push(bytes.subarray(cut)), ['Relation »x« existiert nicht']);
  t.same(s.flush(), ['next']);
  t.same(s.flush(), []);
});

t.test('a line that never ends is cut at the bound instead of growing without limit', async (t) => {
  const s = new LineSplitter(8);
  t.same(s.push(Buffer.from('0123456789')), ['0123456789']);
});

t.test('after a skip, the cut line is dropped and the partial line before it forgotten', async (t) => {
  const s = new LineSplitter(1024);
  s.push(Buffer.from('half a li'));
  t.same(s.pushAfterCut(Buffer.from('ne that was cut\nwhole\n')), ['whole']);
});

t.test('a bounded window reads the newest bytes and reports the skipped ones', async (t) => {
  t.same(readWindow({ offset: 100, size: 150, maxBytes: 64 }), { position: 100, length: 50, skipped: 0, dropFirstLine: false });
  t.same(readWindow({ offset: 100, size: 300, maxBytes: 64 }), { position: 235, length: 65, skipped: 136, dropFirstLine: true });
  t.same(readWindow({ offset: 300, size: 300, maxBytes: 64 }).length, 0);
});
