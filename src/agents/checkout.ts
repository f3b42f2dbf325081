import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CheckoutOptions {
  cloneUrl: string;
  headSha: string;
  baseSha: string;
  dir: string;
  /** Read-only token for HTTPS clones; passed to git through its environment, never its arguments. */
  cloneToken?: string;
}

function gitEnv(token: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo' };
  if (token) {
    const basic = Buffer.from(`oauth2:${token}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return env;
}

/** Clones the repository and checks out `headSha` (detached); makes sure `baseSha` is present for the diff. */
export async function checkoutAt(options: CheckoutOptions): Promise<void> {
  const env = gitEnv(options.cloneToken);
  const git = (...args: string[]) => run('git', args, { cwd: options.dir, env, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  await mkdir(options.dir, { recursive: true });
  await git('init', '--quiet');
  await git('remote', 'add', 'origin', options.cloneUrl);
  for (const sha of [options.headSha, options.baseSha]) {
    try {
      await git('cat-file', '-e', `${sha}^{commit}`);
    } catch {
      try {
        await git('fetch', '--quiet', '--no-tags', 'origin', sha);
      } catch {
        // Servers that refuse fetching by SHA: fetch every branch (and GitLab's MR refs) instead.
        await git('fetch', '--quiet', '--no-tags', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/merge-requests/*/head:refs/remotes/origin/mr/*');
      }
    }
  }
  await git('-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', options.headSha);
}

/** The unified diff from the merge base to the head, as the reviewer sees it. */
export async function diffOf(dir: string, baseSha: string, headSha: string): Promise<string> {
  const { stdout } = await run('git', ['diff', '--no-color', '--no-ext-diff', '-M', baseSha, headSha], { cwd: dir, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
