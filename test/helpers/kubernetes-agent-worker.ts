import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const forgebot = fileURLToPath(new URL('../../bin/forgebot.js', import.meta.url));

export interface AgentWorkerProcess {
  child: ChildProcess;
  /** What it printed (its JSON log lines). */
  output(): string;
  /** SIGKILL: no shutdown, no cancellation — as when its node dies. */
  kill(): Promise<void>;
  /** SIGTERM, then wait for it to exit. */
  stop(): Promise<void>;
}

/** `forgebot agent-worker` as its own process, configured only by `env`; resolves once it polls its task queue. */
export async function startAgentWorkerProcess(env: Record<string, string>): Promise<AgentWorkerProcess> {
  const child = spawn(process.execPath, [forgebot, 'agent-worker'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent worker did not start polling:\n${output}`)), 30_000);
    const check = () => {
      if (output.includes('agent worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`agent worker exited at start:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
