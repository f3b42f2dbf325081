import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

function reachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The `temporal` CLI: TEMPORAL_CLI_PATH, the one `make setup` recorded, or the one on PATH. */
export function findTemporalCli(projectRoot: string, env: Record<string, string | undefined>): string | undefined {
  if (env.TEMPORAL_CLI_PATH && existsSync(env.TEMPORAL_CLI_PATH)) return env.TEMPORAL_CLI_PATH;
  const recorded = join(projectRoot, '.tools', 'temporal-path');
  if (existsSync(recorded)) {
    const path = readFileSync(recorded, 'utf8').trim();
    if (existsSync(path)) return path;
  }
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  return undefined;
}

/**
 * Uses the Temporal server at `address` if one answers; otherwise starts `temporal server start-dev`
 * there (with its Web UI), keeping its state in `dataDir` so workflows survive a restart.
 */
export async function ensureTemporalDevServer(options: {
  address: string;
  uiPort: number;
  /** Where the server keeps its state; in memory when absent. */
  dataDir?: string;
  cliPath: string | undefined;
  logger: Logger;
}): Promise<DevServer> {
  const [host = '127.0.0.1', portText = '7233'] = options.address.split(':');
  const port = Number(portText);
  const uiUrl = `http://${host}:${options.uiPort}`;
  if (await reachable(host, port)) {
    options.logger.info({ address: options.address }, 'using the Temporal server that is already running');
    return { address: options.address, uiUrl, stop: async () => undefined };
  }
  if (!options.cliPath) {
    throw new Error(
      `no Temporal server answers at ${options.address} and no temporal CLI was found: run \`make setup\`, ` +
        'install the Temporal CLI, or set TEMPORAL_ADDRESS to a running server',
    );
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    options.cliPath,
    ['server', 'start-dev', '--ip', host, '--port', String(port), '--ui-port', String(options.uiPort), '--log-level', 'error',
      ...(options.dataDir ? ['--db-filename', join(options.dataDir, 'temporal.db')] : [])],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!(await reachable(host, port))) {
    if (child.exitCode !== null) throw new Error(`temporal server start-dev exited with code ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('temporal server start-dev did not answer within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  options.logger.info({ address: options.address, ui: uiUrl }, 'started the Temporal dev server');
  return {
    address: options.address,
    uiUrl,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
