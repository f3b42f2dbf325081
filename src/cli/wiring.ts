import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ForgeRegistry } from '../activities/forge-activities.js';
import type { RunnerSecrets, Sandbox } from '../activities/sandbox/sandbox.js';
import { createGitLabClient, createGitLabForge } from '../activities/gitlab/index.js';
import { createLocalSandbox } from '../activities/sandbox/local.js';

/** The forges this deployment can talk to, from the configuration. */
export function createForges(config: Config, logger?: Logger): ForgeRegistry {
  const forges: ForgeRegistry = {};
  if (config.GITLAB_URL && config.GITLAB_TOKEN) {
    forges.gitlab = createGitLabForge(createGitLabClient({ host: config.GITLAB_URL, token: config.GITLAB_TOKEN, timeoutMs: 30_000 }), {
      secrets: [config.GITLAB_TOKEN],
      ...(logger ? { logger: logger.child({ forge: 'gitlab' }) } : {}),
    });
  }
  return forges;
}

export function createSandbox(config: Config, logger: Logger): Sandbox {
  if (config.SANDBOX === 'kubernetes') {
    throw new Error('SANDBOX=kubernetes is not available yet: use SANDBOX=local');
  }
  return createLocalSandbox({ logger: logger.child({ component: 'sandbox' }), ...(config.SANDBOX_WORK_DIR ? { workRoot: config.SANDBOX_WORK_DIR } : {}) });
}

/** What the sandbox gets: the model key and a read-only clone token. Never GITLAB_TOKEN. */
export function runnerSecrets(config: Config): RunnerSecrets {
  return {
    ...(config.ANTHROPIC_API_KEY ? { anthropicApiKey: config.ANTHROPIC_API_KEY } : {}),
    ...(config.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: config.ANTHROPIC_BASE_URL } : {}),
    ...(config.GITLAB_CLONE_TOKEN ? { cloneToken: config.GITLAB_CLONE_TOKEN } : {}),
  };
}
