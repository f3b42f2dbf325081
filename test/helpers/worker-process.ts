// A forgebot worker as deployed: `node bin/forgebot.js worker|agent-worker` as a process of its own, with its metrics
// endpoint on a port the system chooses (WORKER_METRICS_PORT=0), found from the JSON log line that names it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bareEnv } from './forgebot-command.js';

const forgebot = fileURLToPath(new URL('../../bin/forgebot.js', import.meta.url));

export interface WorkerProcess {
  /** `http://127.0.0.1:<port>/metrics` */
  metricsUrl: string;
  /** Everything it logged so far. */
  output(): string;
  /** SIGTERM, and SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts the worker and waits until its endpoint is up and it polls its task queue (`readyMessage`), or fails. */
export async function startWorkerProcess(command: 'worker' | 'agent-worker', env: Record<string, string>, timeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [forgebot, command], { env: bareEnv({ LOG_LEVEL: 'info', WORKER_METRICS_PORT: '0', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const readyMessage = command === 'worker' ? 'worker polling' : 'agent worker polling';
  const ready = new Promise<string>((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => reject(new Error(`forgebot ${command} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onLine = (line: string) => {
      let entry: { msg?: string; url?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return; // not one of the logger's lines
      }
      if (entry.msg === 'worker metrics endpoint') url = entry.url;
      if (entry.msg === readyMessage && url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    let pending = '';
    const take = (chunk: string) => {
      output += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout?.setEncoding('utf8').on('data', take);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`forgebot ${command} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  let metricsUrl: string;
  try {
    metricsUrl = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    await exited(child);
    throw error;
  }
  return {
    metricsUrl,
    output: () => output,
    async stop(graceMs = 15_000) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
