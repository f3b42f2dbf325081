// Runs forgebot's commands as a person types them in a checkout (./forgebot …, npm run …, node bin/forgebot.js),
// with a bare environment, and finds the Node.js versions on this machine.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The lines of a text that hold something. */
export const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

/** The test's PATH without the project's Node.js (.tools/node): what a person's shell has. */
export function hostPath(): string {
  return (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).filter((dir) => !dir.includes(`${repoRoot}.tools`)).join(delimiter);
}

/** A bare environment: no NODE_OPTIONS (no loader inherited from the test runner), no LOG_FORMAT, Redis as the tests have it. */
export function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: hostPath(), HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8', ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}), ...extra };
}

/** Runs `command` in the checkout; its exit code and output whether it fails or not (a bound: `timeoutMs`). */
export function runIn(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd: repoRoot, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/** `./forgebot <args>`, the README's way in a checkout. */
export function forgebotCommand(args: string[], extra: Record<string, string> = {}, timeoutMs?: number): Promise<Ran> {
  return runIn('./forgebot', args, bareEnv(extra), timeoutMs);
}

/** A loopback port nobody listens on (connection refused), e.g. a Temporal that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function nodeVersionAt(path: string): string | undefined {
  try {
    return execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } }).trim();
  } catch (error) {
    // Not a Node.js that runs here (a broken link, another architecture): not a candidate.
    if (error instanceof Error) return undefined;
    throw error;
  }
}

/** A Node.js older than `major` on this machine: its folder and version, or undefined. */
export function realOldNode(major: number): { dir: string; version: string } | undefined {
  const dirs = [...hostPath().split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const path = join(dir, 'node');
    if (!dir || !existsSync(path)) continue;
    const version = nodeVersionAt(path);
    if (version !== undefined && Number(version.split('.')[0]) < major) return { dir, version };
  }
  return undefined;
}

/**
 * A folder with a stand-in `node` that reports Node.js 20 and runs nothing: where no real old Node.js is installed,
 * a command that works with it first on PATH provably runs on another Node.js.
 */
export function fakeOldNode(): { dir: string; version: string } {
  const dir = mkdtempSync(join(tmpdir(), 'forgebot-old-node-'));
  writeFileSync(
    join(dir, 'node'),
    '#!/bin/sh\ncase "$1" in -v|--version) echo v20.0.0; exit 0;; -p) echo 20.0.0; exit 0;; esac\necho "fake Node.js 20: cannot run $*" >&2\nexit 1\n',
    { mode: 0o755 },
  );
  return { dir, version: '20.0.0' };
}
