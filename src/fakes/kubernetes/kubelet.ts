import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { hostPath, makeMounts, resolveEnv, type ContainerSpec } from './pod-env.js';
import type { KubeObject } from './objects.js';
import type { ObjectStore } from './store.js';

/** What an image runs on this machine: a command and the image's own environment (PATH, …). */
export interface ImageCommand {
  command: string[];
  env?: Record<string, string>;
}

type StopReason = 'OOMKilled' | 'Evicted' | 'deleted';

interface Runtime {
  child?: ChildProcess;
  stopReason?: StopReason;
  mounts: Map<string, string>;
  log: string;
  gone: boolean;
}

const POLL_MS = 150;

/**
 * A simulated kubelet: schedules (or not) each pod, "pulls" its image (known images map to local commands), resolves
 * its env from Secrets (waiting while one is missing), runs the container as a real local process with emptyDir
 * mounts as temporary folders, and turns its exit into pod status. Its stdout and stderr are the pod log.
 */
export class FakeKubelet {
  private readonly runtimes = new Map<string, Runtime>();
  /** Pods being run (from scheduling to their volumes torn down): stopAll waits for them. */
  private readonly starts = new Set<Promise<void>>();
  schedulable = true;

  constructor(
    private readonly store: ObjectStore,
    readonly images: Map<string, ImageCommand>,
    private readonly onPodFinished: (pod: KubeObject) => void,
  ) {}

  log(namespace: string, name: string): string | undefined {
    return this.runtimes.get(`${namespace}/${name}`)?.log;
  }

  running(namespace: string, name: string): boolean {
    const child = this.runtimes.get(`${namespace}/${name}`)?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  private setStatus(pod: KubeObject, change: (status: Record<string, unknown>) => void): KubeObject | undefined {
    return this.store.update('pods', pod.metadata.namespace, pod.metadata.name, (object) => {
      object.status ??= {};
      change(object.status);
    });
  }

  private containerStatus(container: ContainerSpec, state: Record<string, unknown>) {
    return [{ name: container.name, image: container.image, imageID: '', ready: 'running' in state, restartCount: 0, started: 'running' in state, state }];
  }

  /** Runs the pod to its end (or until it is deleted). */
  start(pod: KubeObject): Promise<void> {
    const run = this.run(pod).finally(() => this.starts.delete(run));
    this.starts.add(run);
    return run;
  }

  private async run(pod: KubeObject): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const runtime: Runtime = { mounts: new Map(), log: '', gone: false };
    this.runtimes.set(key, runtime);
    const spec = pod.spec as { containers: ContainerSpec[]; volumes?: Parameters<typeof makeMounts>[2] };
    const container = spec.containers[0]!;
    const alive = () => !runtime.gone && this.store.get('pods', pod.metadata.namespace, pod.metadata.name)?.metadata.deletionTimestamp === undefined;
    const now = () => new Date().toISOString();

    await sleep(10); // the scheduler's turn
    while (!this.schedulable) {
      this.setStatus(pod, (status) => {
        status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastTransitionTime: (status.conditions as { lastTransitionTime?: string }[] | undefined)?.[0]?.lastTransitionTime ?? now(), message: '0/3 nodes are available: 3 Insufficient memory.' }];
      });
      await sleep(POLL_MS * 3);
      if (!alive()) return;
    }
    this.setStatus(pod, (status) => {
      status.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
      status.hostIP = '10.0.0.1';
    });
    const image = this.images.get(container.image);
    if (!image) {
      const message = `rpc error: code = NotFound desc = failed to pull and unpack image "${container.image}": not found`;
      this.setStatus(pod, (status) => Object.assign(status, { containerStatuses: this.containerStatus(container, { waiting: { reason: 'ErrImagePull', message } }) }));
      await sleep(POLL_MS * 2);
      if (alive()) this.setStatus(pod, (status) => Object.assign(status, { containerStatuses: this.containerStatus(container, { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } }) }));
      return;
    }
    const waiting = (reason: string, message: string) =>
      this.setStatus(pod, (status) => Object.assign(status, { containerStatuses: this.containerStatus(container, { waiting: { reason, message } }) }));
    const mount = () => makeMounts(this.store, pod.metadata.namespace, spec.volumes ?? [], container.volumeMounts ?? []);
    let mounted = await mount();
    while ('problem' in mounted) {
      waiting('ContainerCreating', mounted.problem); // FailedMount: e.g. its Secret is not there yet
      await sleep(POLL_MS);
      if (!alive()) return;
      mounted = await mount();
    }
    runtime.mounts = mounted.mounts;
    let resolved = resolveEnv(this.store, pod.metadata.namespace, container);
    while ('problem' in resolved) {
      waiting('CreateContainerConfigError', resolved.problem);
      await sleep(POLL_MS);
      if (!alive()) return this.cleanUp(key);
      resolved = resolveEnv(this.store, pod.metadata.namespace, container);
    }
    const env = Object.fromEntries(Object.entries({ ...image.env, ...resolved.env }).map(([name, value]) => [name, hostPath(value, runtime.mounts)]));
    if (!alive()) return this.cleanUp(key);
    const [executable, ...args] = image.command;
    const child = spawn(executable!, args, { cwd: hostPath(container.workingDir ?? '/', runtime.mounts), env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    runtime.child = child;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (runtime.log += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (runtime.log += chunk));
    const startedAt = now();
    this.setStatus(pod, (status) => Object.assign(status, { phase: 'Running', startTime: startedAt, podIP: '10.1.0.2', containerStatuses: this.containerStatus(container, { running: { startedAt } }) }));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (error) => {
        runtime.log += `exec failed: ${error.message}\n`;
        resolve({ code: 128, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    const oom = runtime.stopReason === 'OOMKilled';
    const exitCode = oom ? 137 : (exit.code ?? 128 + (exit.signal === 'SIGKILL' ? 9 : 15));
    const reason = oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    const finished = this.setStatus(pod, (status) => {
      Object.assign(status, {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: this.containerStatus(container, { terminated: { exitCode, reason, startedAt, finishedAt: now() } }),
        ...(runtime.stopReason === 'Evicted' ? { reason: 'Evicted', message: 'The node was low on resource: memory.' } : {}),
      });
    });
    // The Job controller reacts to the pod's status, not to the kubelet tearing its volumes down.
    if (finished) this.onPodFinished(finished);
    await this.cleanUp(key);
  }

  private async cleanUp(key: string): Promise<void> {
    const runtime = this.runtimes.get(key);
    if (!runtime) return;
    for (const dir of runtime.mounts.values()) await rm(dir, { recursive: true, force: true });
    runtime.mounts.clear();
  }

  /** Stops the container: SIGKILL for OOM, else SIGTERM then SIGKILL after the grace period. Resolves when it exited. */
  async stop(namespace: string, name: string, reason: StopReason, graceMs: number): Promise<void> {
    const runtime = this.runtimes.get(`${namespace}/${name}`);
    if (!runtime) return;
    if (reason === 'deleted') runtime.gone = true;
    runtime.stopReason ??= reason;
    const child = runtime.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    kill(reason === 'OOMKilled' ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  forget(namespace: string, name: string): void {
    const runtime = this.runtimes.get(`${namespace}/${name}`);
    if (runtime) runtime.gone = true;
    this.runtimes.delete(`${namespace}/${name}`);
  }

  /** Stops every container and waits until each pod's run has wound up (status written, volumes removed). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runtimes.keys()].map((key) => {
      const [namespace, name] = key.split('/') as [string, string];
      return this.stop(namespace, name, 'deleted', 1_000);
    }));
    await Promise.allSettled([...this.starts]);
  }
}
