import type { Config } from '../config.js';
import type { RunnerRepository } from '../activities/agent-activities.js';
import type { Logger } from '../logger.js';
import type { ForgeRegistry } from '../activities/forge-activities.js';
import type { RunnerSecrets, Sandbox } from '../activities/sandbox/sandbox.js';
import { githubConnectionFromConfig, githubForgeFromConfig, toGitHubForgeError } from '../activities/github/index.js';
import { createGitLabClient, createGitLabForge } from '../activities/gitlab/index.js';
import { createLocalSandbox } from '../activities/sandbox/local.js';
import { createKubernetesSandboxFromConfig } from '../activities/sandbox/kubernetes/index.js';

/** The forges this deployment can talk to, from the configuration. */
export function createForges(config: Config, logger?: Logger): ForgeRegistry {
  const forges: ForgeRegistry = {};
  if (config.GITLAB_URL && config.GITLAB_TOKEN) {
    forges.gitlab = createGitLabForge(createGitLabClient({ host: config.GITLAB_URL, token: config.GITLAB_TOKEN, timeoutMs: 30_000 }), {
      secrets: [config.GITLAB_TOKEN],
      ...(logger ? { logger: logger.child({ forge: 'gitlab' }) } : {}),
    });
  }
  const github = githubForgeFromConfig(config, logger?.child({ forge: 'github' }));
  if (github) forges.github = github;
  return forges;
}

export function createSandbox(config: Config, logger: Logger): Sandbox {
  if (config.SANDBOX === 'kubernetes') return createKubernetesSandboxFromConfig(config, logger.child({ component: 'sandbox', sandbox: 'kubernetes' }));
  return createLocalSandbox({ logger: logger.child({ component: 'sandbox' }), network: config.SANDBOX_NETWORK, ...(config.SANDBOX_WORK_DIR ? { workRoot: config.SANDBOX_WORK_DIR } : {}) });
}

/**
 * What the sandbox gets, per change: the model key and a read-only clone credential of that change's forge only —
 * GITLAB_CLONE_TOKEN, or GITHUB_CLONE_TOKEN / an installation token limited to the repository and `contents: read`.
 * Never GITLAB_TOKEN, GITHUB_TOKEN or the App key.
 */
export function runnerSecrets(config: Config): (repo: RunnerRepository) => Promise<RunnerSecrets> {
  const github = githubConnectionFromConfig(config);
  const model: RunnerSecrets = {
    ...(config.ANTHROPIC_API_KEY ? { anthropicApiKey: config.ANTHROPIC_API_KEY } : {}),
    ...(config.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: config.ANTHROPIC_BASE_URL } : {}),
  };
  return async (ref) => {
    const [owner = '', repo = ''] = ref.projectPath.split('/');
    const cloneToken = ref.forge === 'gitlab' ? config.GITLAB_CLONE_TOKEN : await github?.cloneToken(owner, repo).catch((error: unknown) => {
      throw toGitHubForgeError(error, `minting a clone token for ${ref.projectPath}`);
    });
    return { ...model, ...(cloneToken ? { cloneToken } : {}) };
  };
}
