import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../logger.js';
import type { RunnerJobsApi } from './api.js';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PodWatch {
  /** The pods seen last, by name. */
  pods(): V1Pod[];
  stop(): void;
}

interface WatchEvent {
  type: string;
  object: V1Pod & { code?: number; reason?: string };
}

/** How a watch request ended: closed (resume), `idle` (connected, then silent too long: resume), or `expired` (list). */
type WatchEnd = 'expired' | 'idle' | undefined;

/**
 * Follows the pods matching `labelSelector`: a list, then a watch from the list's resourceVersion, resumed from the
 * last resourceVersion seen when the stream ends. When that version is too old (410 Gone / `Expired`), it lists
 * again. Calls `onChange` after every change and `onError` when the API keeps failing.
 *
 * The client aborts a watch that received nothing for `idleTimeoutMs` (client-node's default: 30 s). A pod that runs
 * quietly is nothing to report, and bookmarks need not come that often: such a watch is resumed at once and is not a
 * failure. (Counted as one, seven quiet windows in a row — a runner quiet for about four minutes — failed the run.)
 */
export function watchPods(api: RunnerJobsApi, labelSelector: string, onChange: () => void, onError: (error: unknown) => void, logger: Logger, idleTimeoutMs?: number): PodWatch {
  const pods = new Map<string, V1Pod>();
  const watch = new Watch(api.config);
  // client-node 2.x has no option for it; the field is private in its types only (tests shorten it).
  if (idleTimeoutMs !== undefined) Reflect.set(watch, 'requestTimeoutMs', idleTimeoutMs);
  const path = `/api/v1/namespaces/${encodeURIComponent(api.namespace)}/pods`;
  let resourceVersion: string | undefined;
  let stopped = false;
  let current: AbortController | undefined;

  async function list(): Promise<void> {
    const listed = await api.listPods(labelSelector);
    pods.clear();
    for (const pod of listed.items) if (pod.metadata?.name) pods.set(pod.metadata.name, pod);
    resourceVersion = listed.metadata?.resourceVersion;
    onChange();
  }

  function apply(event: WatchEvent): 'expired' | undefined {
    if (event.type === 'ERROR') {
      if (event.object.code === 410) return 'expired';
      throw new Error(`watch error: ${event.object.reason ?? 'unknown'} (${event.object.code ?? '?'})`);
    }
    const name = event.object.metadata?.name;
    resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
    if (event.type === 'BOOKMARK' || !name) return undefined;
    if (event.type === 'DELETED') pods.delete(name);
    else pods.set(name, event.object);
    onChange();
    return undefined;
  }

  /** One watch request; settles when its stream ends (see WatchEnd), or rejects when it failed. */
  function follow(): Promise<WatchEnd> {
    return new Promise((resolve, reject) => {
      let expired = false;
      let ended = false;
      let connected = false;
      const query = { labelSelector, allowWatchBookmarks: true, timeoutSeconds: 300, ...(resourceVersion ? { resourceVersion } : {}) };
      watch
        .watch(path, query, (type, object) => {
          try {
            if (apply({ type, object: object as WatchEvent['object'] }) === 'expired') {
              expired = true;
              current?.abort();
            }
          } catch (error) {
            current?.abort();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }, (error: unknown) => {
          ended = true;
          if (expired) resolve('expired');
          else if (error && connected && (error as { name?: unknown }).name === 'TimeoutError') resolve('idle');
          else if (error && !stopped) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve(undefined);
        })
        .then((controller) => {
          // watch() resolves once the stream is open, or after `done` when the request failed.
          connected = !ended;
          current = controller;
          if (stopped) controller.abort();
        }, reject);
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    let listed = false;
    while (!stopped) {
      try {
        if (!listed) {
          await list();
          listed = true;
        }
        const ended = await follow();
        failures = 0;
        if (ended === 'idle') logger.debug({ resourceVersion }, 'pod watch idle; resuming');
        if (ended === 'expired') {
          logger.info({ resourceVersion }, 'pod watch expired (410 Gone); listing again');
          listed = false;
        }
      } catch (error) {
        if (stopped) return;
        failures++;
        if (failures > 6) return onError(error);
        logger.warn({ err: error, failures }, 'pod watch failed; resuming');
        await sleep(Math.min(200 * 2 ** failures, 5_000));
      }
    }
  }
  void run();

  return {
    pods: () => [...pods.values()],
    stop() {
      stopped = true;
      current?.abort();
    },
  };
}
