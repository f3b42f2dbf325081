import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from '../../logger.js';
import { startEgressProxy } from './egress-proxy.js';

const run = promisify(execFile);
const PROBE_TIMEOUT_MS = 5_000;

/** `SANDBOX_NETWORK`: `isolated` (required), `host` (none), `auto` (isolate when the machine allows it). */
export type SandboxNetwork = 'isolated' | 'host' | 'auto';

/** How a local runner is cut off from the network: a private network namespace, or not at all (and why). */
export type NetworkIsolation = { kind: 'namespace'; unshare: string; ip: string } | { kind: 'none'; reason: string };

async function findExecutable(name: string, path: string): Promise<string | undefined> {
  for (const dir of [...path.split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

/**
 * Whether this machine can give a runner its own network namespace without privileges: `unshare --user
 * --map-root-user --net` (a user namespace) must work and `ip` must bring loopback up inside it. Never throws.
 */
export async function detectNetworkIsolation(path = process.env.PATH ?? ''): Promise<NetworkIsolation> {
  const unshare = await findExecutable('unshare', path);
  if (!unshare) return { kind: 'none', reason: 'unshare (util-linux) is not installed' };
  const ip = await findExecutable('ip', path);
  if (!ip) return { kind: 'none', reason: 'ip (iproute2) is not installed' };
  try {
    await run(unshare, ['--user', '--map-root-user', '--net', '--', ip, 'link', 'set', 'lo', 'up'], { timeout: PROBE_TIMEOUT_MS });
    return { kind: 'namespace', unshare, ip };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n')[0];
    return { kind: 'none', reason: `unshare --user --net does not work here${stderr ? `: ${stderr}` : ''} (unprivileged user namespaces disabled?)` };
  }
}

export class NetworkIsolationUnavailable extends Error {
  constructor(reason: string) {
    super(`SANDBOX_NETWORK=isolated, but this machine cannot isolate the runner's network: ${reason}`);
    this.name = 'NetworkIsolationUnavailable';
  }
}

/**
 * The isolation to use for a setting, told once through the logger: `isolated` without support throws, `auto`
 * without support warns and runs on the host network, `host` runs on it by choice.
 */
export function chooseIsolation(setting: SandboxNetwork, detected: NetworkIsolation, logger: Logger): NetworkIsolation {
  if (setting === 'host') {
    logger.info('local sandbox: runners use the host network (SANDBOX_NETWORK=host)');
    return { kind: 'none', reason: 'SANDBOX_NETWORK=host' };
  }
  if (detected.kind === 'namespace') {
    logger.info('local sandbox: runners get a private network namespace; only the model API and the forge are reachable, through an egress proxy');
    return detected;
  }
  if (setting === 'isolated') throw new NetworkIsolationUnavailable(detected.reason);
  logger.warn({ reason: detected.reason }, 'local sandbox: network isolation is unavailable, runners use the host network (set SANDBOX_NETWORK=host to silence, or isolated to require it)');
  return detected;
}

/** The command that runs `command` inside a private network namespace whose only way out is the proxy socket. */
export function isolatedCommand(isolation: { unshare: string; ip: string }, proxySocket: string, command: string[]): string[] {
  const shim = fileURLToPath(new URL('./netns-shim.ts', import.meta.url));
  return [isolation.unshare, '--user', '--map-root-user', '--net', '--', process.execPath, '--import', import.meta.resolve('tsx'), shim, isolation.ip, proxySocket, '--', ...command];
}

/** The runner command for one job under an isolation choice, and what to release when the job ends. */
export async function commandWithNetwork(
  isolation: NetworkIsolation,
  command: string[],
  endpoints: (string | undefined)[],
  logger: Logger,
): Promise<{ command: string[]; release(): Promise<void> }> {
  if (isolation.kind === 'none') return { command, release: async () => {} };
  const allowed = endpoints.filter((endpoint): endpoint is string => Boolean(endpoint));
  const proxy = await startEgressProxy(allowed, logger);
  logger.debug({ allowed }, 'runner network: private namespace with an egress proxy');
  return { command: isolatedCommand(isolation, proxy.socketPath, command), release: () => proxy.close() };
}
