import { subjectKey } from '../../domain/subject-ref.js';
import type { Logger } from '../../logger.js';
import { withTimeout } from '../with-timeout.js';
import { WorkflowKindError, type WorkflowStarter } from '../workflow-starter.js';
import { handOver, type HandoverResult } from './handover.js';
import type { OutboxEntry } from './outbox-store.js';
import type { InflightStore } from './redis-inflight.js';

export interface DispatcherOptions {
  inflight: InflightStore;
  starter: WorkflowStarter;
  logger: Logger;
  /** Bound on one handover. */
  callTimeoutMs: number;
  /**
   * Handovers at once. Few: the workflow service takes starts faster one after the other than all at once (the
   * Temporal dev server: ~120/s with one at a time, ~100/s with 16, ~60/s with 64, on two cores).
   */
  concurrency?: number;
  /** Entries waiting or running past which it takes no more (they go to the queue, for the drainer). */
  maxBacklog?: number;
  /** An entry went to the queue (metrics). */
  onRequeued?: (count: number) => void;
  /** A signal found no workflow running and was dropped (metrics); the answer may have been given already. */
  onNotRunning?: (entry: OutboxEntry) => void;
}

/** Why a dispatch did not hand its entry over: it is in the outbox queue (or, if Redis failed too, still in flight). */
export class HandedBackError extends Error {
  override name = 'HandedBackError';
}

/**
 * This replica's handovers of entries taken in flight (redis-inflight.ts), after their delivery was acknowledged:
 * in order for each subject (a subject's next entry starts when its previous one is done), at most `concurrency` at
 * once. When a handover fails, the workflow service is taken to be in trouble: that entry and every one not started
 * yet go to the queue, in order, where the drainer takes them (it knows how to wait an outage out), and new
 * deliveries queue behind them.
 */
export interface HandoverDispatcher {
  /** Whether it takes another entry now (not stopping, backlog under its bound). */
  accepting(): boolean;
  /** Whether an entry of this subject (its `subjectKey`) waits or runs here: a new one must come after it. */
  holds(subject: string): boolean;
  /** Hands `entry` (stored in flight as `raw`) over: its result, or a rejection once it is back in the queue. */
  dispatch(entry: OutboxEntry, raw: string): Promise<HandoverResult>;
  /** What has not started goes to the queue; resolves once what runs has ended. */
  stop(): Promise<void>;
}

interface Job {
  entry: OutboxEntry;
  raw: string;
  subject: string;
  resolve(result: HandoverResult): void;
  reject(error: Error): void;
}

export function createHandoverDispatcher(options: DispatcherOptions): HandoverDispatcher {
  const log = options.logger;
  const concurrency = options.concurrency ?? 4;
  const maxBacklog = options.maxBacklog ?? 100;
  const waiting: Job[] = [];
  const busy = new Set<string>();
  /** Entries waiting or running, by subject. */
  const held = new Map<string, number>();
  const work = new Set<Promise<void>>();
  let handingBack = false;
  let stopped = false;

  const track = (promise: Promise<void>) => {
    work.add(promise);
    void promise.finally(() => work.delete(promise));
  };

  /** Moves `jobs` to the queue (in order) and rejects them. Left in flight if Redis fails: the drainer reclaims them. */
  async function handBack(jobs: Job[], cause: unknown): Promise<void> {
    if (jobs.length === 0) return;
    try {
      const moved = await options.inflight.requeue(jobs.map((job) => job.raw));
      options.onRequeued?.(moved);
    } catch (error) {
      log.error({ err: error, entries: jobs.length }, 'could not move entries to the outbox queue: they stay in flight until the drainer reclaims them');
    }
    const error = new HandedBackError(`handed back to the outbox queue: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    for (const job of jobs) job.reject(error);
  }

  /** Starts what may start; while handing back, moves to the queue whatever does not wait on a running predecessor. */
  function pump(): void {
    const free: Job[] = [];
    for (let index = 0; index < waiting.length; ) {
      const job = waiting[index]!;
      const handing = handingBack || stopped;
      if (!handing && busy.size >= concurrency) break;
      if (busy.has(job.subject)) {
        index += 1;
        continue;
      }
      waiting.splice(index, 1);
      if (handing) free.push(job);
      else run(job);
    }
    if (free.length > 0) track(handBack(free, stopped ? 'the server is stopping' : 'the workflow service failed'));
    if (handingBack && waiting.length === 0 && busy.size === 0) handingBack = false;
  }

  function run(job: Job): void {
    busy.add(job.subject);
    track(
      (async () => {
        try {
          const result = await withTimeout(() => handOver(options.starter, job.entry), options.callTimeoutMs, `${job.entry.op} ${job.entry.workflow} workflow`);
          if (result === 'not-running') {
            log.info({ entry: job.entry.id, signal: job.entry.signal.name }, 'signal dropped: its workflow is not running');
            options.onNotRunning?.(job.entry);
          }
          job.resolve(result);
          // Neither the answer nor the subject's next entry waits for this one to be forgotten.
          track(options.inflight.done(job.raw).catch((error: unknown) => log.warn({ err: error, entry: job.entry.id }, 'could not forget a handed-over entry: the drainer will hand it over again')));
        } catch (error) {
          if (error instanceof WorkflowKindError) {
            // A programming error, never a delivery to keep: dropped (the request answers 500 if it still waits).
            await options.inflight.done(job.raw).catch(() => undefined);
            job.reject(error);
          } else {
            if (!handingBack) log.warn({ err: error, entry: job.entry.id }, 'workflow service call failed: handing the in-flight deliveries to the outbox queue');
            handingBack = true;
            await handBack([job], error);
          }
        } finally {
          busy.delete(job.subject);
          pump();
        }
      })(),
    );
  }

  return {
    // While handing back it still takes entries: they go to the queue in order, behind their subject's.
    accepting: () => !stopped && waiting.length + busy.size < maxBacklog,
    holds: (subject) => held.has(subject),
    dispatch(entry, raw) {
      const subject = subjectKey(entry.subject);
      held.set(subject, (held.get(subject) ?? 0) + 1);
      const settled = () => {
        const left = (held.get(subject) ?? 1) - 1;
        if (left > 0) held.set(subject, left);
        else held.delete(subject);
      };
      const handed = new Promise<HandoverResult>((resolve, reject) => {
        waiting.push({ entry, raw, subject, resolve, reject });
        pump();
      });
      handed.then(settled, settled);
      return handed;
    },
    async stop() {
      stopped = true;
      pump();
      while (work.size > 0) await Promise.allSettled([...work]);
    },
  };
}
