/** File-system steps the run record needs: a new folder nobody else has, and a file always whole. */
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function claimFolder(parent: string, name: string): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const candidate = join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      await mkdir(candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`cannot create a new report folder for ${name} in ${parent}: 999 folders of that name exist`);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Pieces are gathered up to this many chars before a write: a write is a trip to the thread pool. */
const WRITE_CHARS = 1 << 20;

/** Writes `pieces` one after the other into a file that must not exist yet ('wx'). */
export async function writeNewFile(path: string, pieces: Iterable<string>): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    // writeFile on a handle writes from the current position and finishes partial writes.
    // report.json comes in some 300 pieces of 64 KiB at 10,000 endpoints: written a MiB at a time.
    let gathered: string[] = [];
    let chars = 0;
    for (const piece of pieces) {
      gathered.push(piece);
      chars += piece.length;
      if (chars < WRITE_CHARS) continue;
      await handle.writeFile(gathered.join(''));
      gathered = [];
      chars = 0;
    }
    if (gathered.length > 0) await handle.writeFile(gathered.join(''));
  } finally {
    await handle.close();
  }
}

/** Write, fsync, rename over `path`, fsync the folder: the file is always whole. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.close();
    // A half-written temporary file (disk full) is removed; the old file stays whole.
    await unlink(temporary).catch(() => {});
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
  await syncDir(dirname(path));
}
