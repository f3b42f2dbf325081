// The forge side of the Sentry fix end-to-end tests: the fake GitLab or the fake GitHub serving the buggy cart project
// (a bare git repository, as a forge holds it), what a test reads of the fix change, and CI driven by the test.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeGitHub } from '../../src/fakes/github/fake-github.js';
import { FakeGitLab } from '../../src/fakes/gitlab/fake-gitlab.js';
import { buggyProject } from './buggy-project.js';
import { E2E_GITLAB_TOKEN } from './e2e-world.js';
import { GITHUB_TEST_TOKEN } from './github-fake.js';

const run = promisify(execFile);

/** The fix change as the fake forge holds it. */
export interface FixChange {
  number: number;
  title: string;
  description: string;
  draft: boolean;
  state: 'open' | 'closed' | 'merged';
  labels: string[];
}

export interface FixForge {
  kind: 'gitlab' | 'github';
  /** What the mapping names: the repository on this forge. */
  repository: { forge: 'gitlab' | 'github'; projectId: number | string; projectPath: string };
  /** The stack's configuration for this forge. */
  vars: Record<string, string>;
  /** The change from `branch` (the newest), if any. */
  change(branch: string): FixChange | undefined;
  /** The head of `branch` in the repository the forge serves; '' when there is no such branch. */
  head(branch: string): Promise<string>;
  /** A file at a ref of that repository. */
  show(ref: string, path: string): Promise<string>;
  /** CI: the next commit forgebot reads the pipeline of (the fix's) has one running from that first read on. */
  startPipelineOnFirstRead(branch: string): void;
  /** CI: the pipeline of the head of `branch` finishes. */
  finishPipeline(branch: string, result: 'success' | 'failed'): Promise<void>;
  stop(): Promise<void>;
}

/** The buggy project as a bare repository (its `main` moves only through the forge's API). */
async function bareBuggyProject(): Promise<{ bare: string; scratch: string }> {
  const { repo } = await buggyProject();
  const scratch = await mkdtemp(join(tmpdir(), 'forgebot-sentry-forge-'));
  const bare = join(scratch, 'cart.git');
  await run('git', ['clone', '--quiet', '--bare', repo.dir, bare], { timeout: 30_000 });
  await repo.remove();
  return { bare, scratch };
}

function gitIn(dir: string, ...args: string[]): Promise<string> {
  return run('git', args, { cwd: dir, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) => stdout.trim());
}

const headIn = (bare: string, branch: string) => gitIn(bare, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).catch(() => '');

export const GITLAB_PROJECT = { id: 7, path: 'acme/cart' } as const;

export async function gitlabFixForge(): Promise<FixForge> {
  const { bare, scratch } = await bareBuggyProject();
  const gitlab = new FakeGitLab({ token: E2E_GITLAB_TOKEN });
  await gitlab.start();
  gitlab.addProject({ id: GITLAB_PROJECT.id, pathWithNamespace: GITLAB_PROJECT.path, repoDir: bare });
  const head = (branch: string) => headIn(bare, branch);
  return {
    kind: 'gitlab',
    repository: { forge: 'gitlab', projectId: GITLAB_PROJECT.id, projectPath: GITLAB_PROJECT.path },
    vars: { GITLAB_URL: gitlab.url, GITLAB_TOKEN: E2E_GITLAB_TOKEN },
    change(branch) {
      const mrs = [...gitlab.state.mergeRequests.values()].filter((mr) => mr.projectId === GITLAB_PROJECT.id && mr.sourceBranch === branch);
      const mr = mrs.sort((a, b) => b.iid - a.iid)[0];
      if (!mr) return undefined;
      const state = mr.state === 'opened' || mr.state === 'locked' ? 'open' : mr.state;
      return { number: mr.iid, title: mr.title, description: mr.description, draft: mr.draft, state, labels: [...mr.labels] };
    },
    head,
    show: (ref, path) => gitIn(bare, 'show', `${ref}:${path}`),
    startPipelineOnFirstRead(branch) {
      // GitLab's pipelines list takes the SHA as a query parameter: the hook finds the commit from the branch.
      gitlab.beforeNext({
        method: 'GET',
        pathPattern: new RegExp(`^/projects/${GITLAB_PROJECT.id}/pipelines$`),
        action: async () => {
          const sha = await head(branch);
          if (sha) gitlab.setPipeline(GITLAB_PROJECT.id, sha, 'running', branch);
        },
      });
    },
    async finishPipeline(branch, result) {
      gitlab.setPipeline(GITLAB_PROJECT.id, await head(branch), result, branch);
    },
    async stop() {
      await gitlab.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export const GITHUB_REPOSITORY = 'acme/cart';
const CHECKS_READ = new RegExp(`^GET /repos/${GITHUB_REPOSITORY}/commits/([0-9a-f]{40})/check-runs$`);

export async function githubFixForge(): Promise<FixForge> {
  const { bare, scratch } = await bareBuggyProject();
  const github = new FakeGitHub({ token: GITHUB_TEST_TOKEN });
  await github.start();
  const [owner = '', name = ''] = GITHUB_REPOSITORY.split('/');
  github.addRepository({ owner, name, repoDir: bare });
  // CI reacting to forgebot's first read of a commit's checks, before the fake answers it: the fake records every
  // authenticated request (`METHOD /path`) before routing it, and that record is the only hook it offers.
  let armed = false;
  const record = github.requests.push.bind(github.requests);
  github.requests.push = (...lines: string[]) => {
    for (const line of lines) {
      const sha = armed ? CHECKS_READ.exec(line)?.[1] : undefined;
      if (sha) {
        armed = false;
        github.setCheckRun(GITHUB_REPOSITORY, sha, { name: 'ci', status: 'in_progress' });
      }
    }
    return record(...lines);
  };
  const head = (branch: string) => headIn(bare, branch);
  return {
    kind: 'github',
    repository: { forge: 'github', projectId: GITHUB_REPOSITORY, projectPath: GITHUB_REPOSITORY },
    vars: { GITHUB_API_URL: github.url, GITHUB_TOKEN: GITHUB_TEST_TOKEN },
    change(branch) {
      const pulls = github.state.pulls.filter((pull) => `${pull.repo.owner}/${pull.repo.name}` === GITHUB_REPOSITORY && pull.headRef === branch);
      const pull = pulls.sort((a, b) => b.number - a.number)[0];
      if (!pull) return undefined;
      const state = pull.merged ? 'merged' : pull.state;
      return { number: pull.number, title: pull.title, description: pull.body ?? '', draft: pull.draft, state, labels: [...(pull.labels ?? [])] };
    },
    head,
    show: (ref, path) => gitIn(bare, 'show', `${ref}:${path}`),
    startPipelineOnFirstRead() {
      armed = true;
    },
    async finishPipeline(branch, result) {
      github.setCheckRun(GITHUB_REPOSITORY, await head(branch), { name: 'ci', status: 'completed', conclusion: result === 'success' ? 'success' : 'failure' });
    },
    async stop() {
      await github.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
