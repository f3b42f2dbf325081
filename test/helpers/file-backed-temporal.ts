import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporalCliPath } from './temporal.js';

/** A port nobody listens on now (the kernel's choice), on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A `temporal server start-dev` whose state is in a file (`--db-filename`), on a fixed loopback port, headless: it can
 * be killed -9 and started again on the same file and port, as a Temporal node that crashes and comes back.
 * `client` and `nativeConnection` reconnect on their own once it is back.
 */
export interface FileBackedTemporal {
  address: string;
  dbFile: string;
  client: Client;
  nativeConnection: NativeConnection;
  /** SIGKILL to the server's process group; resolves once it has exited. */
  kill(): Promise<void>;
  /** Whether the server process is running (not killed, not exited). */
  alive(): boolean;
  /** Starts it again on the same file and port; resolves once the `default` namespace answers. */
  restart(): Promise<void>;
  /** Closes the connections, stops the server, removes its folder. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** Fails with a clear message — never a skip — when no server can be started. */
export async function startFileBackedTemporal(): Promise<FileBackedTemporal> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('no Temporal CLI found: run `make setup` (or set TEMPORAL_CLI_PATH)');
  const dir = await mkdtemp(join(tmpdir(), 'forgebot-temporal-'));
  const dbFile = join(dir, 'temporal.db');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stderr = '';

  async function launch(): Promise<void> {
    stderr = '';
    const server = spawn(cli!, ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--db-filename', dbFile, '--log-level', 'error'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group: kill() reaches anything it started
    });
    server.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
    child = server;
    exited = new Promise((resolve) => server.once('exit', () => resolve()));
    await answering();
  }

  /** Until the frontend serves the namespace (a bound: START_TIMEOUT_MS). */
  async function answering(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child?.exitCode !== null) throw new Error(`temporal server start-dev exited (${child?.exitCode}): ${stderr}`);
      const connection = await Connection.connect({ address, connectTimeout: '1s' }).catch(() => undefined);
      const ready = await connection?.workflowService.describeNamespace({ namespace: 'default' }).then(() => true, () => false);
      await connection?.close();
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`temporal server start-dev did not answer at ${address} within ${START_TIMEOUT_MS} ms: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  /** `signal` to the server's process group, then SIGKILL if it has not exited within `graceMs`; resolves on its exit. */
  async function end(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const pid = child?.pid;
    if (pid === undefined || !alive()) return;
    process.kill(-pid, signal);
    const force = signal === 'SIGKILL' ? undefined : setTimeout(() => alive() && process.kill(-pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(force);
  }

  const kill = () => end('SIGKILL', 0);

  try {
    await launch();
  } catch (error) {
    await kill();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start a file-backed Temporal dev server (${cli}): ${String(error)}`);
  }
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    dbFile,
    client,
    nativeConnection,
    kill,
    alive,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      await Promise.allSettled([connection.close(), nativeConnection.close()]);
      await end('SIGTERM', 10_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
