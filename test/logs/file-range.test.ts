/** After copytruncate rotation, the unread tail is taken from the copy only when the copy proves to be the log's own. */
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { readRange, unreadTailOfCopy } from '../../src/logs/file-range.js';
import { tempDir } from '../helpers/temp.js';

t.test('readRange: the bytes asked for, fewer at the end of the file', async (t) => {
  const file = join(await tempDir(t), 'app.log');
  await writeFile(file, '0123456789');
  const handle = await open(file);
  t.teardown(() => handle.close());
  t.equal((await readRange(handle, 2, 3)).toString(), '234');
  t.equal((await readRange(handle, 8, 10)).toString(), '89');
});

t.test('the copy holding the last bytes read gives what was written after them', async (t) => {
  const dir = await tempDir(t);
  const copyPath = join(dir, 'app.log.1');
  const read = 'line one\nline two\n';
  await writeFile(copyPath, `${read}ERROR: relation "x" does not exist\n`);
  const fingerprint = Buffer.from(read.slice(-8));
  const tail = await unreadTailOfCopy({ copyPath, offset: read.length, fingerprint, maxBytes: 1000 });
  t.equal(tail?.bytes.toString(), 'ERROR: relation "x" does not exist\n');
  t.match(tail?.window, { position: read.length, skipped: 0 });

  t.equal(await unreadTailOfCopy({ copyPath, offset: read.length, fingerprint: Buffer.from('other!!!'), maxBytes: 1000 }), null, 'another rotation: left alone');
  t.equal(await unreadTailOfCopy({ copyPath, offset: 10_000, fingerprint, maxBytes: 1000 }), null, 'shorter than what was read');
  t.equal(await unreadTailOfCopy({ copyPath, offset: 5, fingerprint: Buffer.alloc(0), maxBytes: 1000 }), null, 'nothing read proves nothing');
  t.equal((await unreadTailOfCopy({ copyPath, offset: 0, fingerprint: Buffer.alloc(0), maxBytes: 1000 }))?.bytes.length, read.length + 35, 'at offset 0 the whole copy is unread');
  t.equal(await unreadTailOfCopy({ copyPath: join(dir, 'missing'), offset: 0, fingerprint: Buffer.alloc(0), maxBytes: 10 }), null);
  t.equal(await unreadTailOfCopy({ copyPath: dir, offset: 0, fingerprint: Buffer.alloc(0), maxBytes: 10 }), null, 'a folder is no copy');
});

t.test('more unread than the bound: the newest bytes', async (t) => {
  const copyPath = join(await tempDir(t), 'app.log.1');
  await writeFile(copyPath, 'seen\n' + 'a'.repeat(100) + '\nnewest\n');
  const tail = await unreadTailOfCopy({ copyPath, offset: 5, fingerprint: Buffer.from('seen\n'), maxBytes: 10 });
  t.equal(tail?.bytes.toString(), 'aaa\nnewest\n', 'the newest 10 bytes and one more, so the cut line is recognised');
  t.equal(tail?.window.dropFirstLine, true);
});
