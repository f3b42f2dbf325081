import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitEnvironment } from '../../checkout.js';

const run = promisify(execFile);
/** One git call of the answer's checks: they touch one patch or one file, never the history. */
const GIT_TIMEOUT_MS = 20_000;
const MAX_GIT_OUTPUT = 4 * 1024 * 1024;
/** A patch larger than this is not an answer in a thread (AnswerResult's limit). */
export const MAX_PATCH_BYTES = 50_000;

/** git in the checkout: no shell, the checkout's safe environment, no fsmonitor hook, a timeout. */
export async function gitInCheckout(repoDir: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'core.fsmonitor=false', ...args], { cwd: repoDir, env: gitEnvironment(process.env, undefined), timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_GIT_OUTPUT });
  return stdout;
}

/** What git said was wrong (its `error:` lines, or the first line), on one line; "timed out" when it was killed. */
function gitComplaint(error: unknown): string {
  if ((error as { killed?: unknown }).killed === true) return 'git apply timed out';
  const stderr = (error as { stderr?: unknown }).stderr;
  const lines = typeof stderr === 'string' ? stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '') : [];
  const errors = lines.filter((line) => line.startsWith('error:'));
  return (errors.length > 0 ? errors : lines).slice(0, 2).join('; ').slice(0, 300) || 'git apply refused it';
}

/** A patch as git apply reads it: LF line ends as given, and a newline after the last line. */
export function normalizedPatch(patch: string): string {
  return patch.endsWith('\n') ? patch : `${patch}\n`;
}

/**
 * Why `patch` does not apply to the checkout's working tree (the head), or undefined when `git apply --check` takes
 * it. The patch goes through a file in `scratchDir` (outside the checkout); nothing in the checkout changes.
 */
export async function patchProblem(repoDir: string, scratchDir: string, patch: string): Promise<string | undefined> {
  const bytes = Buffer.byteLength(patch, 'utf8');
  if (bytes > MAX_PATCH_BYTES) return `it is ${bytes} bytes, more than ${MAX_PATCH_BYTES}`;
  const dir = await mkdtemp(join(scratchDir, 'answer-patch-'));
  try {
    const file = join(dir, 'answer.patch');
    await writeFile(file, normalizedPatch(patch));
    return await gitInCheckout(repoDir, ['apply', '--check', '--', file]).then(
      () => undefined,
      (error: unknown) => `it does not apply at the head (${gitComplaint(error)})`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
