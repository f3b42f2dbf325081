import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A tool call the model can fix: its message goes back to the model as an `is_error` tool result. */
export class ToolInputError extends Error {}

/** Resolves `path` inside `root`, refusing anything (`..`, absolute paths, symlinks, .git) that leads outside it. */
export async function confinedPath(root: string, path: string): Promise<string> {
  if (isAbsolute(path)) throw new ToolInputError(`path must be relative to the repository: ${path}`);
  if (path.includes('\0')) throw new ToolInputError('path contains a NUL character');
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, path);
  const inside = (target: string) => target === realRoot || target.startsWith(realRoot + sep);
  if (!inside(candidate)) throw new ToolInputError(`path leaves the repository: ${path}`);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new ToolInputError(`no such file or directory: ${path}`);
  }
  if (!inside(real)) throw new ToolInputError(`path leads outside the repository (symlink): ${path}`);
  if (relative(realRoot, real).split(sep).includes('.git')) throw new ToolInputError('the .git folder is not readable');
  return real;
}
