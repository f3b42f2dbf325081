import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MAX_FRAME_BYTES, parseFramedResult, type Frame } from '../../agents/result-frame.js';
import { AgentTask, type AgentOutput } from '../../domain/agent-task.js';
import { redactSecrets } from '../../domain/redact.js';
import type { Logger } from '../../logger.js';
import { endpointOf } from './egress-proxy.js';
import { chooseIsolation, commandWithNetwork, detectNetworkIsolation, type NetworkIsolation, type SandboxNetwork } from './isolation.js';
import { killProcessGroup, lineSplitter, waitForExit, type ChildExit } from './process-group.js';
import { runnerEnvironment, workspacePrefix } from './runner-environment.js';
import { outputForJob, SandboxError, type AgentJob, type RunnerSecrets, type Sandbox, type SandboxRunOptions } from './sandbox.js';

export { runnerEnvironment } from './runner-environment.js';

const MAX_STDOUT_BYTES = MAX_FRAME_BYTES * 2;
/** Last stderr notes kept for the error of a runner that died without a result (it may be posted on the change). */
const STDERR_TAIL_LINES = 3;

export interface LocalSandboxOptions {
  logger: Logger;
  /** Where workspaces are made (default: the OS temporary folder). */
  workRoot?: string;
  /** Replaces the runner (tests): executable and arguments. */
  runnerCommand?: string[];
  /** The runner's PATH (default: this process's). */
  path?: string;
  /** Between SIGTERM and SIGKILL when a job is stopped. */
  killGraceMs?: number;
  /** How often `onProgress` hears that the job is still running. */
  progressEveryMs?: number;
  /** Network isolation of the runner (`SANDBOX_NETWORK`; default `auto`). */
  network?: SandboxNetwork;
  /** Replaces the detection of what the machine allows (tests). */
  detectNetwork?: () => Promise<NetworkIsolation>;
}

const DEFAULT_MODEL_API = 'https://api.anthropic.com';

/**
 * The default runner, run by this Node.js: the compiled runner beside this module when it is compiled (dist/), else
 * this checkout's TypeScript entry point through the project's tsx.
 */
export function defaultRunnerCommand(): string[] {
  if (import.meta.url.endsWith('.js')) return [process.execPath, fileURLToPath(new URL('../../agents/runner-main.js', import.meta.url))];
  const runner = fileURLToPath(new URL('../../agents/runner-main.ts', import.meta.url));
  return [process.execPath, '--import', import.meta.resolve('tsx'), runner];
}

const LogLine = z.object({ msg: z.string(), err: z.object({ message: z.string() }).optional() });

/** One stderr line as a short note (progress, errors): a pino line's message (and error), or the line itself. */
function progressNote(line: string, secrets: string[]): string {
  let note = line;
  try {
    const parsed = LogLine.safeParse(JSON.parse(line));
    if (parsed.success) note = parsed.data.err ? `${parsed.data.msg}: ${parsed.data.err.message}` : parsed.data.msg;
  } catch {
    // not JSON: the raw line
  }
  return redactSecrets(note.trim(), secrets).slice(0, 200);
}

function describeExit(exit: ChildExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** The review a finished runner returned, or the SandboxError its exit and output call for. */
function outcome(job: AgentJob, exit: ChildExit, stdout: string, lastNotes: string): AgentOutput {
  let frame: Frame;
  try {
    frame = parseFramedResult(stdout);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const tail = lastNotes ? `; its last output: ${lastNotes}` : '';
    const code = exit.code === 0 ? 'ERR_RUNNER_OUTPUT' : 'ERR_RUNNER_FAILED';
    throw new SandboxError(code, `the runner of ${job.name} ${describeExit(exit)}: ${reason}${tail}`);
  }
  if ('error' in frame) throw new SandboxError('ERR_RUNNER_FAILED', `${frame.error.code}: ${frame.error.message}`, frame.error.code);
  if (exit.code !== 0) throw new SandboxError('ERR_RUNNER_FAILED', `the runner of ${job.name} ${describeExit(exit)} after printing a result`);
  return frame.result;
}

/**
 * Runs each agent job as a child process in a fresh temporary workspace, with a scrubbed environment, a hard
 * timeout, and cancellation that kills the whole process group before `run` settles.
 */
export function createLocalSandbox(options: LocalSandboxOptions): Sandbox {
  const command = options.runnerCommand ?? defaultRunnerCommand();
  const killGraceMs = options.killGraceMs ?? 3_000;
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  const runnerPath = options.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  // Decided once, at start; a failure (SANDBOX_NETWORK=isolated on a machine that cannot) fails every run clearly.
  const network: Promise<NetworkIsolation | Error> = (options.detectNetwork?.() ?? detectNetworkIsolation(runnerPath)).then((detected) => {
    try {
      return chooseIsolation(options.network ?? 'auto', detected, options.logger);
    } catch (error) {
      options.logger.error({ err: error }, 'local sandbox cannot run');
      return error instanceof Error ? error : new Error(String(error));
    }
  });

  async function runIn(workspace: string, job: AgentJob, secrets: RunnerSecrets, run: SandboxRunOptions, log: Logger): Promise<AgentOutput> {
    await mkdir(join(workspace, 'tmp'));
    const taskFile = join(workspace, 'task.json');
    await writeFile(taskFile, JSON.stringify(job.task), { mode: 0o600 });
    if (run.signal.aborted) throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${job.name} was cancelled before it started`);

    const isolation = await network;
    if (isolation instanceof Error) throw new SandboxError('ERR_RUNNER_FAILED', isolation.message, 'ERR_SANDBOX_NETWORK');
    const endpoints = [endpointOf(job.task.repository.cloneUrl), endpointOf(secrets.anthropicBaseUrl ?? DEFAULT_MODEL_API)];
    const networked = await commandWithNetwork(isolation, command, endpoints, log);
    try {
      return await spawnRunner(workspace, taskFile, networked.command, job, secrets, run, log);
    } finally {
      await networked.release();
    }
  }

  async function spawnRunner(workspace: string, taskFile: string, runnerCommand: string[], job: AgentJob, secrets: RunnerSecrets, run: SandboxRunOptions, log: Logger): Promise<AgentOutput> {
    const known = [secrets.anthropicApiKey, secrets.cloneToken].filter((value): value is string => Boolean(value));
    const progress = (note: string) => {
      try {
        run.onProgress?.(note);
      } catch (error) {
        log.warn({ err: error }, 'progress callback failed');
      }
    };
    const [executable, ...args] = runnerCommand;
    if (!executable) throw new SandboxError('ERR_RUNNER_FAILED', 'the runner command is empty');
    const child = spawn(executable, args, {
      cwd: workspace,
      env: runnerEnvironment(workspace, taskFile, secrets, runnerPath),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: a kill reaches git and every other child
    });
    const started = Date.now();
    log.info({ pid: child.pid }, 'runner started');

    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let overflow = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) overflow = true;
      else stdout.push(chunk);
    });
    const recent: string[] = [];
    let lastNote = 0;
    const stderr = lineSplitter((line) => {
      if (!line.trim()) return;
      log.debug({ runner: line.slice(0, 2_000) }, 'runner output');
      const note = progressNote(line, known);
      recent.push(note);
      if (recent.length > STDERR_TAIL_LINES) recent.shift();
      if (Date.now() - lastNote >= 1_000) {
        lastNote = Date.now();
        progress(note);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));

    let stopReason: 'timeout' | 'cancelled' | undefined;
    let grace: NodeJS.Timeout | undefined;
    const stop = (reason: 'timeout' | 'cancelled') => {
      if (stopReason) return;
      stopReason = reason;
      log.info({ reason }, 'stopping the runner');
      killProcessGroup(child.pid, 'SIGTERM');
      grace = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), killGraceMs);
    };
    const timer = setTimeout(() => stop('timeout'), job.timeoutMs);
    const ticker = setInterval(() => progress(`running for ${Math.round((Date.now() - started) / 1_000)} s`), progressEveryMs);
    const onAbort = () => stop('cancelled');
    run.signal.addEventListener('abort', onAbort, { once: true });
    if (run.signal.aborted) onAbort();

    let exit: ChildExit;
    try {
      exit = await waitForExit(child, killGraceMs);
    } catch (error) {
      throw new SandboxError('ERR_RUNNER_FAILED', `the runner of ${job.name} could not start: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
      clearTimeout(grace);
      clearInterval(ticker);
      run.signal.removeEventListener('abort', onAbort);
      stderr.flush();
    }
    log.info({ ...exit, ms: Date.now() - started }, 'runner exited');

    if (stopReason === 'cancelled') throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${job.name} was cancelled and stopped`);
    if (stopReason === 'timeout') throw new SandboxError('ERR_SANDBOX_TIMEOUT', `job ${job.name} ran longer than ${job.timeoutMs} ms and was stopped`);
    if (overflow) throw new SandboxError('ERR_RUNNER_OUTPUT', `the runner of ${job.name} printed more than ${MAX_STDOUT_BYTES} bytes`);
    return outcome(job, exit, Buffer.concat(stdout).toString('utf8'), recent.join(' | '));
  }

  return {
    async run<Task extends AgentTask>(job: AgentJob<Task>, secrets: RunnerSecrets, run: SandboxRunOptions) {
      if (run.signal.aborted) throw new SandboxError('ERR_SANDBOX_CANCELLED', `job ${job.name} was cancelled before it started`);
      const task = AgentTask.safeParse(job.task);
      if (!task.success) throw new SandboxError('ERR_RUNNER_FAILED', `job ${job.name} has an invalid task: ${task.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'ERR_RUNNER_INPUT');
      const root = options.workRoot ?? tmpdir();
      await mkdir(root, { recursive: true });
      const workspace = await mkdtemp(join(root, `${workspacePrefix(job.name)}-`));
      const log = options.logger.child({ job: job.name });
      try {
        return outputForJob(job, await runIn(workspace, { ...job, task: task.data }, secrets, run, log));
      } finally {
        await rm(workspace, { recursive: true, force: true, maxRetries: 3 }).catch((error: unknown) => log.warn({ err: error, workspace }, 'workspace not removed'));
      }
    },
  };
}
