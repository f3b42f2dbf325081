import type { Logger } from '../../logger.js';
import { TimeoutError, withTimeout } from '../with-timeout.js';
import { WorkflowKindError, type WorkflowStarter } from '../workflow-starter.js';
import { handOver } from './handover.js';
import type { DrainOutcome, Outbox } from './outbox.js';
import type { HeldEntry, OutboxStore, OutboxStoreName } from './outbox-store.js';

export interface DrainerOptions {
  outbox: Outbox;
  starter: WorkflowStarter;
  logger: Logger;
  /** Pause between rounds (OUTBOX_DRAIN_INTERVAL_MS). */
  intervalMs: number;
  /** Bound on one handover, and on the ping that tells "Temporal down" from "this entry fails". */
  callTimeoutMs: number;
  pingTimeoutMs: number;
  /** Entries read per batch. */
  batch?: number;
  /** Failures that are not transient, while the workflow service answers, after which an entry goes to the dead letters. */
  maxAttempts?: number;
}

export interface OutboxDrainer {
  /** Stops after the current handover and gives the Redis drain lease up. */
  stop(): Promise<void>;
}

/** gRPC codes worth waiting out: CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES = new Set([1, 2, 4, 8, 10, 13, 14]);

/** A timeout, or a gRPC failure (the Temporal client wraps it as `cause`) that says "later", not "never". */
export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) {
    const code: unknown = 'code' in cause ? cause.code : undefined;
    if (typeof code === 'number') return TRANSIENT_GRPC_CODES.has(code);
  }
  return false;
}

/** How a store's round ended: emptied, stopped by an unreachable workflow service, or not ours / not reachable. */
type RoundEnd = 'empty' | 'stalled' | 'busy' | 'unreachable';

/**
 * Hands held entries to the workflow layer, in order: the Redis outbox first (under a lease, so that one replica
 * drains it at a time), then this process's file outbox. A handover is idempotent (signal-with-start on the
 * subject's workflow id; a signal to a workflow that is not running is dropped). When the workflow service cannot be
 * reached the round stops and the entry waits; an entry that keeps failing while the service answers (or that names
 * no registered workflow kind, or does not parse) goes to the dead letters so that it cannot block the queue.
 */
export function startOutboxDrainer(options: DrainerOptions): OutboxDrainer {
  const { outbox, starter } = options;
  const log = options.logger;
  const batch = options.batch ?? 100;
  const maxAttempts = options.maxAttempts ?? 3;
  const failures = new Map<string, number>();
  const unreachable = new Set<OutboxStoreName>();
  let stopped = false;
  let stalledSince: number | undefined;
  let wake: (() => void) | undefined;

  async function take(store: OutboxStore, held: HeldEntry): Promise<DrainOutcome | 'stalled'> {
    const { entry } = held;
    if (entry === undefined) {
      log.error({ store: store.name, raw: held.raw.slice(0, 200) }, 'unreadable outbox entry moved to the dead letters');
      return 'dead-letter';
    }
    try {
      const result = await withTimeout(() => handOver(starter, entry), options.callTimeoutMs, `outbox ${entry.op} ${entry.workflow}`);
      failures.delete(entry.id);
      if (stalledSince !== undefined) log.info({ stalledMs: Date.now() - stalledSince }, 'workflow service reachable again: draining the outbox');
      stalledSince = undefined;
      if (result !== 'not-running') return 'delivered';
      log.info({ entry: entry.id, signal: entry.signal.name }, 'held signal dropped: its workflow is not running');
      outbox.report({ type: 'dropped', signal: entry.signal.name });
      return 'not-running';
    } catch (error) {
      if (stopped) return 'stalled';
      if (!(error instanceof WorkflowKindError)) {
        const reachable = await withTimeout(() => starter.ping(), options.pingTimeoutMs, 'ping').then(() => true, () => false);
        const attempts = reachable && !isTransient(error) ? (failures.get(entry.id) ?? 0) + 1 : 0;
        if (attempts < maxAttempts) {
          if (attempts > 0) failures.set(entry.id, attempts);
          if (stalledSince === undefined) {
            stalledSince = Date.now();
            log.warn({ err: error, store: store.name, entry: entry.id }, 'workflow service call failed: held deliveries wait');
          }
          return 'stalled';
        }
      }
      failures.delete(entry.id);
      log.error({ err: error, store: store.name, entry: entry.id }, 'outbox entry cannot be handed over: moved to the dead letters');
      return 'dead-letter';
    }
  }

  async function drainStore(store: OutboxStore): Promise<RoundEnd> {
    try {
      if (store.lease && !(await store.lease())) return 'busy';
      if (unreachable.delete(store.name)) log.info({ store: store.name }, 'outbox store reachable again');
      const reclaimed = (await store.reclaim?.()) ?? 0;
      if (reclaimed > 0) log.warn({ store: store.name, reclaimed }, 'entries abandoned in flight (their replica stopped) moved to the outbox queue');
      for (;;) {
        const entries = await store.head(batch);
        if (entries.length === 0) return 'empty';
        for (const held of entries) {
          if (stopped) return 'stalled';
          const outcome = await take(store, held);
          if (outcome === 'stalled') return 'stalled';
          await (outcome === 'dead-letter' ? store.bury(held) : store.shift(held));
          outbox.report({ type: 'drained', store: store.name, outcome });
          if (store.lease && !(await store.lease())) return 'busy';
        }
      }
    } catch (error) {
      if (!unreachable.has(store.name)) log.warn({ err: error, store: store.name }, 'outbox store unreachable: its held deliveries wait');
      unreachable.add(store.name);
      return 'unreachable';
    }
  }

  async function round(): Promise<void> {
    const redis = await drainStore(outbox.redis);
    // The file outbox holds later deliveries: only once the Redis outbox is empty or cannot be read.
    if (redis === 'empty' || redis === 'unreachable') await drainStore(outbox.file);
  }

  const loop = (async () => {
    while (!stopped) {
      await round();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await outbox.redis.unlease?.().catch((error: unknown) => log.warn({ err: error }, 'could not give the outbox drain lease up'));
    },
  };
}
