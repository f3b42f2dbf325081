import { readFile, unlink } from 'node:fs/promises';
import { ToolInputError } from '../confined-path.js';
import { summarizeChanges, type ChangeSummary } from './change-summary.js';
import { MAX_EDIT_CHARS, type DeleteFileInput, type ReplaceInFileInput, type WriteFileInput } from './edit-tool-inputs.js';
import { captureFile, replaceFile, restoreFile } from './file-state.js';
import { git } from './git.js';
import type { PathGuard } from './protected-paths.js';
import { limitBreach, usageLine, type ChangeLimitRules } from './scope-limits.js';
import { writablePath, type WritablePath } from './write-path.js';

export interface EditScope {
  repoDir: string;
  headSha: string;
  limits: ChangeLimitRules;
  guard: PathGuard;
}

/** Counts the (overlapping) places where `needle` starts in `text`. */
export function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

async function isIgnored(repoDir: string, relative: string): Promise<boolean> {
  try {
    // `./` first: a name starting with `:` is then a file name, not pathspec magic.
    await git(repoDir, ['check-ignore', '--quiet', '--', `./${relative}`]);
    return true;
  } catch (error) {
    if ((error as { cause?: { code?: unknown } }).cause?.code === 1) return false;
    throw error;
  }
}

/** A path the model may change: inside the repository, not through a symlink, not protected, not ignored by git. */
async function target(scope: EditScope, path: string): Promise<WritablePath> {
  const resolved = await writablePath(scope.repoDir, path);
  const protection = scope.guard(resolved.relative);
  if (protection !== undefined) throw new ToolInputError(protection);
  if (await isIgnored(scope.repoDir, resolved.relative)) throw new ToolInputError(`${resolved.relative} is ignored by git (.gitignore), so a change to it would not be part of the patch.`);
  return resolved;
}

/** Makes one change, then measures the whole change; over a limit, the file is put back as it was and the edit refused. */
async function guarded(scope: EditScope, file: WritablePath, change: (mode: number | undefined) => Promise<string | undefined>): Promise<ChangeSummary> {
  const before = await summarizeChanges(scope.repoDir, scope.headSha);
  const state = await captureFile(file.absolute, file.exists);
  const createdFolder = await change(state.existed ? state.mode : undefined);
  let after: ChangeSummary;
  try {
    after = await summarizeChanges(scope.repoDir, scope.headSha);
  } catch (error) {
    await restoreFile(state, createdFolder);
    throw error;
  }
  const breach = limitBreach(before, after, scope.limits);
  if (breach !== undefined) {
    await restoreFile(state, createdFolder);
    throw new ToolInputError(breach);
  }
  return after;
}

async function currentText(file: WritablePath): Promise<string> {
  if (!file.exists) throw new ToolInputError(`${file.relative} does not exist (write_file creates a file).`);
  const bytes = await readFile(file.absolute);
  if (bytes.length > MAX_EDIT_CHARS) throw new ToolInputError(`${file.relative} is ${bytes.length} bytes, too large to edit here.`);
  if (bytes.includes(0)) throw new ToolInputError(`${file.relative} is a binary file, and only text files can be edited.`);
  return bytes.toString('utf8');
}

const lineCount = (text: string) => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

export async function writeFileTool(scope: EditScope, input: WriteFileInput): Promise<string> {
  const file = await target(scope, input.path);
  const after = await guarded(scope, file, (mode) => replaceFile(file.absolute, input.content, mode));
  return `${file.exists ? 'Rewrote' : 'Created'} ${file.relative} (${lineCount(input.content)} lines); ${usageLine(after, scope.limits)}.`;
}

export async function replaceInFileTool(scope: EditScope, input: ReplaceInFileInput): Promise<string> {
  const file = await target(scope, input.path);
  const text = await currentText(file);
  const found = occurrences(text, input.old_text);
  if (found.length !== 1) {
    throw new ToolInputError(`old_text occurs ${found.length} times in ${file.relative}, not exactly once: ${found.length === 0 ? 'copy it exactly from the file' : 'include more surrounding lines to make it unique'}.`);
  }
  const at = found[0] ?? 0;
  const next = text.slice(0, at) + input.new_text + text.slice(at + input.old_text.length);
  const after = await guarded(scope, file, (mode) => replaceFile(file.absolute, next, mode));
  return `Replaced the one occurrence in ${file.relative} (line ${text.slice(0, at).split('\n').length}); ${usageLine(after, scope.limits)}.`;
}

export async function deleteFileTool(scope: EditScope, input: DeleteFileInput): Promise<string> {
  const file = await target(scope, input.path);
  if (!file.exists) throw new ToolInputError(`${file.relative} does not exist, so there is nothing to delete.`);
  const after = await guarded(scope, file, async () => {
    await unlink(file.absolute);
    return undefined;
  });
  return `Deleted ${file.relative}; ${usageLine(after, scope.limits)}.`;
}
