import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../logger.js';
import { parseFrame, MAX_FRAME_BYTES } from '../../agents/result-frame.js';
import type { ReviewResult } from '../../domain/finding.js';
import { SandboxError, type AgentJob, type RunnerSecrets, type Sandbox, type SandboxRunOptions } from './sandbox.js';

const KILL_GRACE_MS = 3_000;
const MAX_STDOUT_BYTES = MAX_FRAME_BYTES * 2;
const PROGRESS_EVERY_MS = 5_000;

/** The default runner: this checkout's runner entry point, run by this Node.js with tsx. */
export function defaultRunnerCommand(): string[] {
  const runner = fileURLToPath(new URL('../../agents/runner-main.ts', import.meta.url));
  return [process.execPath, '--import', import.meta.resolve('tsx'), runner];
}

/** Only what the runner needs: no forge tokens, no other secrets of this process. */
export function runnerEnvironment(workspace: string, taskFile: string, secrets: RunnerSecrets): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: workspace,
    TMPDIR: join(workspace, 'tmp'),
    LANG: 'C.UTF-8',
    FORGEBOT_TASK_FILE: taskFile,
    ...(secrets.anthropicApiKey ? { ANTHROPIC_API_KEY: secrets.anthropicApiKey } : {}),
    ...(secrets.anthropicBaseUrl ? { ANTHROPIC_BASE_URL: secrets.anthropicBaseUrl } : {}),
    ...(secrets.cloneToken ? { FORGEBOT_CLONE_TOKEN: secrets.cloneToken } : {}),
  };
}

/**
 * Runs each agent job as a child process in a fresh temporary workspace, with a scrubbed environment,
 * a hard timeout, and cancellation that kills the whole process group before `run` settles.
 */
export function createLocalSandbox(options: { logger: Logger; workRoot?: string; runnerCommand?: string[] }): Sandbox {
  const command = options.runnerCommand ?? defaultRunnerCommand();
  return {
    async run(job: AgentJob, secrets: RunnerSecrets, run: SandboxRunOptions): Promise<ReviewResult> {
      if (run.signal.aborted) throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${job.name} was cancelled before it started`);
      const root = options.workRoot ?? tmpdir();
      await mkdir(root, { recursive: true });
      const workspace = await mkdtemp(join(root, `${job.name.slice(0, 80)}-`));
      const log = options.logger.child({ job: job.name });
      try {
        await mkdir(join(workspace, 'tmp'));
        const taskFile = join(workspace, 'task.json');
        await writeFile(taskFile, JSON.stringify(job.task), { mode: 0o600 });
        const [executable, ...args] = command;
        const child = spawn(executable!, args, {
          cwd: workspace,
          env: runnerEnvironment(workspace, taskFile, secrets),
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true, // its own process group: a kill reaches git and every other child
        });
        let stdout = '';
        let overflow = false;
        let stopReason: 'timeout' | 'cancelled' | undefined;
        let lastProgress = 0;
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (stdout.length + chunk.length > MAX_STDOUT_BYTES) overflow = true;
          else stdout += chunk;
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          const now = Date.now();
          if (now - lastProgress > 1_000) {
            lastProgress = now;
            run.onProgress?.(chunk.trim().split('\n').at(-1)?.slice(0, 200) ?? 'running');
          }
          log.debug({ runner: chunk.slice(0, 2_000) }, 'runner output');
        });
        const killGroup = (signal: NodeJS.Signals) => {
          try {
            if (child.pid) process.kill(-child.pid, signal);
          } catch {
            // already gone
          }
        };
        const stop = (reason: 'timeout' | 'cancelled') => {
          stopReason ??= reason;
          killGroup('SIGTERM');
          setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
        };
        const timer = setTimeout(() => stop('timeout'), job.timeoutMs);
        const ticker = setInterval(() => run.onProgress?.('running'), PROGRESS_EVERY_MS);
        const onAbort = () => stop('cancelled');
        run.signal.addEventListener('abort', onAbort);
        const exitCode = await new Promise<number | null>((resolve, reject) => {
          child.once('error', reject);
          child.once('close', (code) => resolve(code));
        }).finally(() => {
          clearTimeout(timer);
          clearInterval(ticker);
          run.signal.removeEventListener('abort', onAbort);
          killGroup('SIGKILL'); // anything the runner left behind in its group
        });

        if (stopReason === 'cancelled') throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${job.name} was cancelled and stopped`);
        if (stopReason === 'timeout') throw new SandboxError('ERR_SANDBOX_TIMEOUT', `job ${job.name} ran longer than ${job.timeoutMs} ms and was stopped`);
        if (overflow) throw new SandboxError('ERR_RUNNER_OUTPUT', `the runner printed more than ${MAX_STDOUT_BYTES} bytes`);
        let frame;
        try {
          frame = parseFrame(stdout);
        } catch (error) {
          const code = exitCode === 0 ? 'ERR_RUNNER_OUTPUT' : 'ERR_RUNNER_FAILED';
          throw new SandboxError(code, `runner exited with ${exitCode}: ${error instanceof Error ? error.message : String(error)}`);
        }
        if ('error' in frame) throw new SandboxError('ERR_RUNNER_FAILED', `${frame.error.code}: ${frame.error.message}`, frame.error.code);
        return frame.result;
      } finally {
        await rm(workspace, { recursive: true, force: true });
      }
    },
  };
}
