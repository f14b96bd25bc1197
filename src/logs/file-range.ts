/** Reading byte ranges of open log files. */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { readWindow, type ReadWindow } from './read-window.js';

/** `length` bytes from `position` (fewer if the file ends first). */
export async function readRange(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return bytes.subarray(0, filled);
}

/** How many of the last bytes consumed are remembered, to recognise a copy of the file. */
export const FINGERPRINT_BYTES = 256;

/**
 * After `copytruncate` rotation the bytes written since the last read are gone from the log and
 * live on only in its copy (`<file>.1` by logrotate's naming). The copy is trusted only when it
 * holds, just before `offset`, the very bytes last read from the log (`fingerprint`); an older
 * rotation or an unrelated file is left alone (null).
 */
export async function unreadTailOfCopy(options: {
  copyPath: string;
  offset: number;
  fingerprint: Buffer;
  maxBytes: number;
}): Promise<{ bytes: Buffer; window: ReadWindow } | null> {
  const { copyPath, offset, fingerprint, maxBytes } = options;
  // Nothing read yet proves nothing, except at offset 0: then the whole copy is unread.
  if (fingerprint.length === 0 && offset > 0) return null;
  // stat before open: opening a FIFO would block; O_NONBLOCK covers a swap between the two, and
  // the fstat below refuses anything that is not a regular file.
  if (!(await stat(copyPath).catch(() => null))?.isFile()) return null;
  let handle: FileHandle;
  try {
    handle = await open(copyPath, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size < offset) return null;
    const before = await readRange(handle, offset - fingerprint.length, fingerprint.length);
    if (!before.equals(fingerprint)) return null;
    const window = readWindow({ offset, size: st.size, maxBytes });
    return { bytes: await readRange(handle, window.position, window.length), window };
  } finally {
    await handle.close();
  }
}
