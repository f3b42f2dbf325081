import { join } from 'node:path';
import type { RunnerSecrets } from './sandbox.js';

/**
 * The runner's whole environment: a PATH, a HOME and TMPDIR inside its workspace, a locale, its task file and the
 * secrets it needs. Nothing else of this process's environment (forge tokens, database URLs, …) reaches it.
 */
export function runnerEnvironment(workspace: string, taskFile: string, secrets: RunnerSecrets, path: string): NodeJS.ProcessEnv {
  return {
    PATH: path,
    HOME: workspace,
    TMPDIR: join(workspace, 'tmp'),
    LANG: 'C.UTF-8',
    FORGEBOT_TASK_FILE: taskFile,
    ...(secrets.anthropicApiKey ? { ANTHROPIC_API_KEY: secrets.anthropicApiKey } : {}),
    ...(secrets.anthropicBaseUrl ? { ANTHROPIC_BASE_URL: secrets.anthropicBaseUrl } : {}),
    ...(secrets.cloneToken ? { FORGEBOT_CLONE_TOKEN: secrets.cloneToken } : {}),
  };
}

/** A job name as a safe folder-name prefix: no separators, no dots in front, bounded. */
export function workspacePrefix(jobName: string): string {
  return jobName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 80) || 'job';
}
