import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { killProcessGroup, waitForExit } from '../../activities/sandbox/process-group.js';
import { MAX_COMMAND_OUTPUT_CHARS, type CommandRun } from '../../domain/patch.js';
import { OutputCap } from './output-cap.js';

/** Bytes kept from each end of the output: with the note between them, well under MAX_COMMAND_OUTPUT_CHARS. */
const KEPT_BYTES = 9_500;
const CLOSE_WAIT_MS = 2_000;

export interface CommandOptions {
  cwd: string;
  /** The whole environment (see commandEnvironment): nothing of this process's is inherited. */
  env: Record<string, string>;
  timeoutMs: number;
  /** After the timeout's SIGTERM, SIGKILL follows this much later. */
  killGraceMs: number;
}

/**
 * Runs `command` with `/bin/sh -c` in its own process group. At the timeout the group gets SIGTERM, then SIGKILL;
 * when the shell exits, whatever it left running in its group is killed too. stdout and stderr are read together,
 * head and tail kept.
 */
export async function runShellCommand(name: string, command: string, options: CommandOptions): Promise<CommandRun> {
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new OutputCap(KEPT_BYTES, KEPT_BYTES);
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timeoutTimer = setTimeout(() => {
    timedOut = true;
    killProcessGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), options.killGraceMs);
  }, options.timeoutMs);
  try {
    const exit = await waitForExit(child, CLOSE_WAIT_MS);
    const { text, truncated } = output.text();
    return {
      name,
      command,
      exitCode: exit.code,
      ...(exit.signal ? { signal: exit.signal } : {}),
      timedOut,
      durationMs: Math.round(performance.now() - started),
      output: text.slice(0, MAX_COMMAND_OUTPUT_CHARS),
      outputTruncated: truncated || text.length > MAX_COMMAND_OUTPUT_CHARS,
    };
  } finally {
    clearTimeout(timeoutTimer);
    clearTimeout(killTimer);
  }
}
