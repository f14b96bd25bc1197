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

/** Writes `pieces` one after the other into a file that must not exist yet ('wx'). */
export async function writeNewFile(path: string, pieces: Iterable<string>): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    // writeFile on a handle writes from the current position and finishes partial writes.
    for (const piece of pieces) await handle.writeFile(piece);
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
