// The runner: runs inside the sandbox, cwd = an empty workspace. Input: the task (FORGEBOT_TASK, or a file named by
// FORGEBOT_TASK_FILE) and secrets from the environment (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, FORGEBOT_CLONE_TOKEN).
// Output: logs on stderr; one framed JSON result (see result-frame.ts), printed last on stdout. Exit code 0 or 1.
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { redactSecrets } from '../domain/redact.js';
import { frame } from './result-frame.js';
import type { RunnerSecretsEnv } from './model-client.js';
import { runAgentTask } from './roles/registry.js';
import { RunnerError, runnerErrorCode } from './runner-error.js';
import { AgentTask } from '../domain/agent-task.js';

const env = process.env;
const log = pino({ name: 'forgebot-runner', level: env.LOG_LEVEL ?? 'info' }, pino.destination(2));

async function readTask(): Promise<AgentTask> {
  const text = env.FORGEBOT_TASK ?? (env.FORGEBOT_TASK_FILE ? await readFile(env.FORGEBOT_TASK_FILE, 'utf8') : undefined);
  if (!text) throw new RunnerError('ERR_RUNNER_INPUT', 'no task: set FORGEBOT_TASK or FORGEBOT_TASK_FILE');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RunnerError('ERR_RUNNER_INPUT', 'the task is not valid JSON');
  }
  const parsed = AgentTask.safeParse(json);
  if (!parsed.success) throw new RunnerError('ERR_RUNNER_INPUT', `invalid task: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function readSecrets(): RunnerSecretsEnv {
  if (!env.ANTHROPIC_API_KEY) throw new RunnerError('ERR_RUNNER_INPUT', 'ANTHROPIC_API_KEY is not set');
  return {
    anthropicApiKey: env.ANTHROPIC_API_KEY,
    ...(env.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: env.ANTHROPIC_BASE_URL } : {}),
    ...(env.FORGEBOT_CLONE_TOKEN ? { cloneToken: env.FORGEBOT_CLONE_TOKEN } : {}),
  };
}

const known = [env.ANTHROPIC_API_KEY, env.FORGEBOT_CLONE_TOKEN].filter((value): value is string => Boolean(value));
try {
  const task = await readTask();
  const secrets = readSecrets();
  log.info({ role: task.role, headSha: task.repository.headSha, model: task.model }, 'agent started');
  const result = await runAgentTask(task, { secrets, workspace: process.cwd(), log });
  log.info({ role: result.role }, 'agent finished');
  process.stdout.write(frame({ result }));
} catch (error) {
  const code = runnerErrorCode(error);
  const message = redactSecrets(error instanceof Error ? error.message : String(error), known).slice(0, 2_000);
  log.error({ code, message }, 'runner failed');
  process.stdout.write(frame({ error: { code, message } }));
  process.exitCode = 1;
}
