import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ToolInputError } from '../confined-path.js';

export interface WritablePath {
  /** Where to write, inside the repository's real path. */
  absolute: string;
  /** `/`-separated, relative to the repository, normalized (no `.`, no empty segments). */
  relative: string;
  /** Whether a file is there now. */
  exists: boolean;
}

const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes(String((error as NodeJS.ErrnoException).code));

/**
 * Resolves a path the model wants to write or delete. Stricter than confinedPath: no `..` at all, and no symlink
 * anywhere on the way (a write through a symlink is refused even when the link points inside the repository);
 * folders that do not exist yet are fine (the write creates them).
 */
export async function writablePath(root: string, path: string): Promise<WritablePath> {
  if (path.includes('\0')) throw new ToolInputError('The path contains a NUL character.');
  if (isAbsolute(path)) throw new ToolInputError(`The path must be relative to the repository root, not absolute: ${path}`);
  if (path.endsWith('/')) throw new ToolInputError(`The path names a folder, not a file: ${path}`);
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new ToolInputError(`The path must not contain "..": ${path}`);
  if (segments.length === 0) throw new ToolInputError(`The path names the repository root, not a file: ${path}`);
  const relative = segments.join('/');
  const realRoot = await realpath(root);
  let current = realRoot;
  for (const [index, segment] of segments.entries()) {
    current = join(current, segment);
    const here = segments.slice(0, index + 1).join('/');
    const last = index === segments.length - 1;
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if (isMissing(error)) return { absolute: join(realRoot, ...segments), relative, exists: false };
      throw error;
    }
    if (info.isSymbolicLink()) throw new ToolInputError(`${here} is a symbolic link, and writing through a symlink is not allowed.`);
    if (!last && !info.isDirectory()) throw new ToolInputError(`${here} is a file, so ${relative} cannot be created under it.`);
    if (last && info.isDirectory()) throw new ToolInputError(`${relative} is a folder, not a file.`);
    if (last && !info.isFile()) throw new ToolInputError(`${relative} is not a regular file.`);
  }
  return { absolute: current, relative, exists: true };
}
