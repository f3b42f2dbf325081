import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gitEnvironment } from '../checkout.js';

const run = promisify(execFile);
const GIT_TIMEOUT_MS = 120_000;
/** A patch or a blob larger than this is not something an agent's change should hold. */
const MAX_GIT_OUTPUT = 256 * 1024 * 1024;

export interface GitCall {
  /** GIT_INDEX_FILE: a scratch index, so that the repository's real index is never touched. */
  indexFile?: string;
}

/**
 * Runs git in `repoDir` with the checkout's safe environment (no system or user configuration, no prompts, no
 * secrets) and without the fsmonitor hook (a repository's config must not make these calls run a program).
 */
export async function git(repoDir: string, args: readonly string[], call: GitCall = {}): Promise<string> {
  return (await gitBytes(repoDir, args, call)).toString('utf8');
}

export async function gitBytes(repoDir: string, args: readonly string[], call: GitCall = {}): Promise<Buffer> {
  const env = gitEnvironment(process.env, undefined);
  if (call.indexFile !== undefined) env.GIT_INDEX_FILE = call.indexFile;
  try {
    const { stdout } = await run('git', ['-c', 'core.fsmonitor=false', ...args], { cwd: repoDir, env, timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_GIT_OUTPUT, encoding: 'buffer' });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const said = Buffer.isBuffer(stderr) ? stderr.toString('utf8').trim().split('\n').slice(0, 3).join('; ') : '';
    throw new Error(`git ${args[0] ?? ''} failed${said ? `: ${said.slice(0, 500)}` : ''}`, { cause: error });
  }
}

/** Splits git's `-z` output into its NUL-terminated fields. */
export function nulFields(output: string): string[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  return fields;
}
