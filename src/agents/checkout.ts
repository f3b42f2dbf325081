import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { CheckoutSpec } from '../domain/agent-task.js';
import { RunnerError } from './runner-error.js';

const run = promisify(execFile);
const FETCH_TIMEOUT_MS = 300_000;
const LOCAL_TIMEOUT_MS = 60_000;
const MAX_GIT_OUTPUT = 64 * 1024 * 1024;

export interface CheckoutOptions {
  cloneUrl: string;
  headSha: string;
  baseSha: string;
  dir: string;
  /** Read-only token for HTTPS clones; passed to git through its environment, never its arguments. */
  cloneToken?: string;
  /** The basic-auth user name that goes with the token: `oauth2` (GitLab, default), `x-access-token` (GitHub). */
  cloneUsername?: string;
  /** The environment git may see (PATH, HOME, proxies); secrets in it are dropped. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** A commit wanted when the head's or the base's history holds it (the last reviewed head, for an incremental review). */
  alsoWanted?: string;
}

/** Variables git may inherit: enough to find itself, a proxy and CA certificates; never a key or token. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSL_CAINFO'];

/** git's environment: isolated from system and user configuration, never prompting, the token as an HTTP header. */
export function gitEnvironment(base: NodeJS.ProcessEnv, token: string | undefined, username = 'oauth2'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const name of INHERITED) if (base[name] !== undefined) env[name] = base[name];
  if (token) {
    const basic = Buffer.from(`${username}:${token}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return env;
}

/** What git said went wrong (its `fatal:`/`error:` lines), without the command line. */
function gitProblem(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const lines = typeof stderr === 'string' ? stderr.split('\n').filter((line) => /^(fatal|error):/.test(line)) : [];
  if (lines.length > 0) return lines.join('; ').slice(0, 1_000);
  if ((error as { killed?: unknown }).killed === true) return 'timed out';
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}

/**
 * What the checkout fetched: `shallow` (the base alone and the commits from it to the head, the history behind the
 * base left out), `full` (the whole history of head and base, fetched by SHA), or `refs` (every branch and change
 * ref, for servers that refuse fetching by SHA).
 */
export type CheckoutFetch = 'shallow' | 'full' | 'refs';

type Git = (timeout: number, ...args: string[]) => Promise<unknown>;

/**
 * Only what a review reads: the base at depth 1, then the head (everything from the base to the head: an ordinary
 * fetch into a shallow repository stops at its shallow commits). False when the server refuses a shallow fetch or a
 * fetch by SHA, or when the base is not an ancestor of the head after all: the caller fetches more.
 */
async function fetchShallow(git: Git, options: CheckoutOptions): Promise<boolean> {
  const fetch = (...args: string[]) => git(FETCH_TIMEOUT_MS, 'fetch', '--quiet', '--no-tags', ...args).then(() => true, () => false);
  const { headSha, baseSha } = options;
  if (baseSha === headSha) return fetch('--depth=1', 'origin', headSha);
  if (!(await fetch('--depth=1', 'origin', baseSha)) || !(await fetch('origin', headSha))) return false;
  // Both present and the head reaches the base: `base...head` has its merge base (the base itself).
  if (!(await git(LOCAL_TIMEOUT_MS, 'merge-base', '--is-ancestor', baseSha, headSha).then(() => true, () => false))) return false;
  // A commit the caller needs too (the last reviewed head): present here when it lies between base and head. Else it
  // is behind the base, or not in the history at all (a force push): only the whole history can tell.
  if (options.alsoWanted && !(await git(LOCAL_TIMEOUT_MS, 'cat-file', '-e', `${options.alsoWanted}^{commit}`).then(() => true, () => false))) return false;
  return true;
}

/**
 * Clones the repository and checks out `headSha` (detached); makes sure `baseSha` is present, and the history between
 * them, for the diff. Fetches as little as the server allows (see CheckoutFetch); `alsoWanted` (the last reviewed
 * head) is then present exactly when the head's or the base's history holds it.
 */
export async function checkoutAt(options: CheckoutOptions): Promise<CheckoutFetch> {
  const env = gitEnvironment(options.env ?? process.env, options.cloneToken, options.cloneUsername);
  const git = (timeout: number, ...args: string[]) =>
    run('git', args, { cwd: options.dir, env, timeout, maxBuffer: MAX_GIT_OUTPUT }).catch((error: unknown) => {
      throw new Error(`git ${args[0]} failed: ${gitProblem(error)}`);
    });
  const hasCommit = (sha: string) => git(LOCAL_TIMEOUT_MS, 'cat-file', '-e', `${sha}^{commit}`).then(() => true, () => false);
  await mkdir(options.dir, { recursive: true });
  await git(LOCAL_TIMEOUT_MS, 'init', '--quiet');
  await git(LOCAL_TIMEOUT_MS, 'remote', 'add', 'origin', options.cloneUrl);
  let fetched: CheckoutFetch = 'shallow';
  if (!(await fetchShallow(git, options))) {
    fetched = 'full';
    // The whole history from here on (a shallow repository is deepened): what the shallow fetch could not settle.
    const unshallow = async () => ((await isShallow(options.dir)) ? ['--unshallow'] : []);
    for (const sha of [options.headSha, options.baseSha]) {
      if ((await hasCommit(sha)) && !(await isShallow(options.dir))) continue;
      const bySha = await git(FETCH_TIMEOUT_MS, 'fetch', '--quiet', '--no-tags', ...(await unshallow()), 'origin', sha).then(() => true, () => false);
      if (bySha && (await hasCommit(sha))) continue;
      // Servers that refuse fetching by SHA: fetch every branch (and the MR/PR refs) instead. Its error is the one reported.
      fetched = 'refs';
      const changeRefs = options.cloneUsername === 'x-access-token' ? '+refs/pull/*/head:refs/remotes/origin/pr/*' : '+refs/merge-requests/*/head:refs/remotes/origin/mr/*';
      await git(FETCH_TIMEOUT_MS, 'fetch', '--quiet', '--no-tags', ...(await unshallow()), 'origin', '+refs/heads/*:refs/remotes/origin/*', changeRefs);
      if (!(await hasCommit(sha))) throw new Error(`commit ${sha} is not in the repository`);
    }
  }
  await git(LOCAL_TIMEOUT_MS, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', options.headSha);
  return fetched;
}

/** True while the repository's history is cut at shallow commits (`.git/shallow` lists them). */
async function isShallow(dir: string): Promise<boolean> {
  return access(join(dir, '.git', 'shallow')).then(() => true, () => false);
}

/** The unified diff from the merge base of base and head to the head (`base...head`), as the reviewer sees it. */
export async function diffOf(dir: string, baseSha: string, headSha: string): Promise<string> {
  const { stdout } = await run('git', ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', `${baseSha}...${headSha}`], {
    cwd: dir,
    env: gitEnvironment(process.env, undefined),
    timeout: LOCAL_TIMEOUT_MS,
    maxBuffer: MAX_GIT_OUTPUT,
  });
  return stdout;
}

/** Checks out a role's repository at its head into `dir`; a failure is the runner's ERR_CHECKOUT. Logs how long it took. */
export async function checkoutRepository(
  spec: CheckoutSpec,
  forge: 'gitlab' | 'github',
  cloneToken: string | undefined,
  dir: string,
  more: { log?: Logger; alsoWanted?: string } = {},
): Promise<void> {
  const started = Date.now();
  const fetched = await checkoutAt({
    cloneUrl: spec.cloneUrl,
    headSha: spec.headSha,
    baseSha: spec.baseSha,
    dir,
    ...(cloneToken ? { cloneToken, cloneUsername: forge === 'github' ? 'x-access-token' : 'oauth2' } : {}),
    ...(more.alsoWanted ? { alsoWanted: more.alsoWanted } : {}),
  }).catch((error: unknown) => {
    throw new RunnerError('ERR_CHECKOUT', `could not check out ${spec.headSha}: ${error instanceof Error ? error.message : String(error)}`);
  });
  more.log?.info({ fetched, ms: Date.now() - started }, 'checked out');
}
