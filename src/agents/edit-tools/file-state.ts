import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const NEW_FILE_MODE = 0o644;

/** A file as it was before an edit, so that a refused edit can put it back. */
export type FileState = { absolute: string; existed: false } | { absolute: string; existed: true; content: Buffer; mode: number };

export async function captureFile(absolute: string, exists: boolean): Promise<FileState> {
  if (!exists) return { absolute, existed: false };
  const info = await lstat(absolute);
  return { absolute, existed: true, content: await readFile(absolute), mode: info.mode & 0o7777 };
}

/**
 * Writes the whole file through a temporary file in the same folder and a rename: a hard link to a file elsewhere
 * is replaced, not written through, and no reader sees half a file. Returns the first folder it had to create.
 */
export async function replaceFile(absolute: string, content: string | Buffer, mode: number | undefined): Promise<string | undefined> {
  const created = await mkdir(dirname(absolute), { recursive: true });
  const temporary = join(dirname(absolute), `.${basename(absolute)}.forgebot-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { flag: 'wx', mode: mode ?? NEW_FILE_MODE });
    await chmod(temporary, mode ?? NEW_FILE_MODE);
    await rename(temporary, absolute);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return created;
}

/** Puts a file back as captured; `createdFolder` (from replaceFile) is removed with what the edit put in it. */
export async function restoreFile(state: FileState, createdFolder: string | undefined): Promise<void> {
  if (state.existed) await replaceFile(state.absolute, state.content, state.mode);
  else await unlink(state.absolute).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
  if (createdFolder !== undefined) await rm(createdFolder, { recursive: true, force: true });
}
