import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const forgebot = fileURLToPath(new URL('../../bin/forgebot.js', import.meta.url));

/** Runs `forgebot agent-worker` with `env` until it exits on its own (killed after `timeoutMs`): its code and output. */
export async function runAgentWorkerToExit(env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const claims = await mkdtemp(join(tmpdir(), 'forgebot-claims-'));
  const child = spawn(process.execPath, [forgebot, 'agent-worker'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'info', CLAIM_STORE_DIR: claims, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  await rm(claims, { recursive: true, force: true });
  return { code, output };
}
