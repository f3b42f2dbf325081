import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { ChangeCommand } from '../../src/domain/change-command.js';
import { workflowIdFor, type SubjectRef, type WorkflowKind } from '../../src/domain/subject-ref.js';
import { kindSpec, workflowKinds } from '../../src/webhooks/workflow-kinds.js';
import type { WorkflowSignal } from '../../src/webhooks/workflow-starter.js';
import { changeCommandSignal } from '../../src/workflows/definitions.js';
import { loadFixture } from './fixtures.js';
import type { MutablePayload } from './gitlab-payload.js';
import { RecordingStarter } from './recording-starter.js';
import { TEST_SECRET } from './webhook-server.js';

/** Polls `probe` until it returns something other than undefined or false. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the Temporal client throws when its server does not answer (a gRPC UNAVAILABLE status). */
export function unavailable(): Error {
  return Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
}

/**
 * A recording starter whose workflow service can go away: `down()` (calls and pings fail at once, like a refused
 * connection), `hang()` (calls never answer until `recover()`, then fail, like a deadline), `recover()`. Like
 * Temporal, a signal to a workflow that was never started answers `not-running` (and is not recorded).
 */
export class OutageStarter extends RecordingStarter {
  private hanging = false;
  private hung: (() => void)[] = [];

  down(): void {
    this.failWith = unavailable();
    this.pingError = this.failWith;
  }

  hang(): void {
    this.hanging = true;
    this.pingError = unavailable();
  }

  recover(): void {
    this.failWith = undefined;
    this.pingError = undefined;
    this.hanging = false;
    for (const fail of this.hung.splice(0)) fail();
  }

  override async start(kind: WorkflowKind, subject: SubjectRef, signal: WorkflowSignal) {
    await this.maybeHang();
    return super.start(kind, subject, signal);
  }

  override async signal(kind: WorkflowKind, subject: SubjectRef, name: string, args: unknown[]) {
    await this.maybeHang();
    kindSpec(workflowKinds, kind, subject);
    if (this.failWith) throw this.failWith;
    const id = workflowIdFor(kind, subject);
    if (!this.calls.some((call) => call.op === 'start' && workflowIdFor(call.kind, call.subject) === id)) return 'not-running' as const;
    return super.signal(kind, subject, name, args);
  }

  private maybeHang(): Promise<void> {
    if (!this.hanging) return Promise.resolve();
    return new Promise<void>((_resolve, reject) => this.hung.push(() => reject(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4 }))));
  }
}

const openFixture = loadFixture('gitlab', 'merge_request--open');

/** A GitLab merge request event for `iid` at head `sha` (40 hex digits), as GitLab sends it, with a fresh event UUID. */
export function gitlabMergeRequest(iid: number, sha: string, action = 'open'): { headers: Record<string, string>; body: string } {
  const json = structuredClone(openFixture.json) as unknown as MutablePayload;
  json.object_attributes.iid = iid;
  json.object_attributes.action = action;
  json.object_attributes.last_commit.id = sha;
  return { headers: { ...openFixture.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}

/** A 40-digit SHA from two small numbers. */
export function shaOf(change: number, revision: number): string {
  return `${change.toString(16).padStart(8, '0')}${revision.toString(16).padStart(32, '0')}`;
}

/** Runs `work` for 0..count-1 with at most `limit` at a time. */
export async function pool<T>(count: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}

/** A free loopback TCP port (nothing listens on it when this returns). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A redis-server of the test's own on `port` (no persistence), started and stopped by the test. */
export interface TestRedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(port: number): Promise<TestRedisServer> {
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`these tests start their own redis-server (install Redis): ${String(error)}`);
  }
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`these tests start their own redis-server (install Redis): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
  child.removeAllListeners('exit');
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The commands the starter handed to review workflows, with the change each went to. */
export function commandsOf(starter: OutageStarter) {
  return starter.calls
    .filter((call) => call.kind === 'review' && call.signal.name === changeCommandSignal.name)
    .map((call) => ({ op: call.op, subject: call.subject, command: ChangeCommand.parse(call.signal.args[0]) }));
}
