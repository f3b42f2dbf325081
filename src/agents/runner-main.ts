// The runner: runs inside the sandbox. Input: the task (FORGEBOT_TASK or FORGEBOT_TASK_FILE) and secrets from the
// environment. Output: logs on stderr; one framed JSON result, printed last on stdout. Exit code 0 or 1.
import { readFile } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import { pino } from 'pino';
import { frame } from './result-frame.js';
import { runReview } from './run-review.js';
import { redactSecrets } from '../domain/redact.js';
import { RunnerTask } from './task.js';

const log = pino({ name: 'forgebot-runner', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));

class RunnerError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

async function readTask(): Promise<RunnerTask> {
  const text = process.env.FORGEBOT_TASK ?? (process.env.FORGEBOT_TASK_FILE ? await readFile(process.env.FORGEBOT_TASK_FILE, 'utf8') : undefined);
  if (!text) throw new RunnerError('ERR_RUNNER_INPUT', 'no task: set FORGEBOT_TASK or FORGEBOT_TASK_FILE');
  const parsed = RunnerTask.safeParse(JSON.parse(text));
  if (!parsed.success) throw new RunnerError('ERR_RUNNER_INPUT', `invalid task: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Codes the agent activity treats as permanent (see activities/permanent-errors.ts) or transient. */
function runnerErrorCode(error: unknown): string {
  if (error instanceof RunnerError) return error.code;
  if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) return 'ERR_MODEL_UNAUTHORIZED';
  if (error instanceof Anthropic.BadRequestError || error instanceof Anthropic.NotFoundError) return 'ERR_MODEL_INVALID_REQUEST';
  if (error instanceof Anthropic.APIError) return 'ERR_MODEL_UNAVAILABLE';
  return 'ERR_RUNNER';
}

try {
  const task = await readTask();
  const apiKey = process.env.ANTHROPIC_API_KEY;
  if (!apiKey) throw new RunnerError('ERR_RUNNER_INPUT', 'ANTHROPIC_API_KEY is not set');
  const result = await runReview(
    task,
    {
      anthropicApiKey: apiKey,
      ...(process.env.ANTHROPIC_BASE_URL ? { anthropicBaseUrl: process.env.ANTHROPIC_BASE_URL } : {}),
      ...(process.env.FORGEBOT_CLONE_TOKEN ? { cloneToken: process.env.FORGEBOT_CLONE_TOKEN } : {}),
    },
    process.cwd(),
    log,
  );
  log.info({ findings: result.findings.length, usage: result.usage }, 'review finished');
  process.stdout.write(frame({ result }));
} catch (error) {
  const code = runnerErrorCode(error);
  const message = redactSecrets(error instanceof Error ? error.message : String(error)).slice(0, 2000);
  log.error({ code }, 'runner failed');
  process.stdout.write(frame({ error: { code, message } }));
  process.exitCode = 1;
}
