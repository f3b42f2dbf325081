import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { subjectKey } from '../../domain/subject-ref.js';
import type { Logger } from '../../logger.js';
import { WorkflowKindError, type WorkflowStarter } from '../workflow-starter.js';
import { createHandoverDispatcher } from './dispatcher.js';
import { openFileOutboxStore, type FileOutboxStore } from './file-outbox.js';
import type { Handover, HandoverResult } from './handover.js';
import type { OutboxEntry, OutboxStore, OutboxStoreName } from './outbox-store.js';
import { createRedisInflightStore } from './redis-inflight.js';
import { createRedisOutboxStore } from './redis-outbox.js';

/** What became of a held entry when the drainer took it: handed over, dropped (no workflow to signal), or set aside. */
export type DrainOutcome = 'delivered' | 'not-running' | 'dead-letter';

/**
 * What the outbox tells its observers (metrics): an entry held, a held entry drained, or a signal-only handover
 * (`op: 'signal'`, on any path: at once, the fast path, the drainer) dropped because its workflow is not running.
 */
export type OutboxEvent =
  | { type: 'held'; store: OutboxStoreName }
  | { type: 'drained'; store: OutboxStoreName; outcome: DrainOutcome }
  | { type: 'dropped'; signal: string };

/**
 * Where accepted deliveries wait while Temporal cannot be reached: the Redis outbox (shared by the replicas), or the
 * file outbox of this process when Redis cannot take them either. The drainer (drainer.ts) empties both, Redis first.
 */
export interface Outbox {
  readonly redis: OutboxStore;
  readonly file: FileOutboxStore;
  /**
   * Whether held entries wait: a new handover must then queue behind them (one drainer hands them over in order,
   * so each subject's signals keep their order). `redisUp: false` when this delivery could not reach Redis.
   */
  waiting(redisUp: boolean): Promise<boolean>;
  /** Holds a handover durably: behind the file's entries if it has any, else in Redis, else in the file. Throws when neither can. */
  hold(handover: Handover, redisUp: boolean): Promise<OutboxStoreName>;
  /**
   * The acknowledgement's fast path: one Redis write makes the handover durable (in flight, or queued behind held
   * entries), then this replica hands it over (dispatcher.ts) while the delivery waits at most `ackWithinMs` for the
   * result: the result when it came in time, else `queued` (held, handed over after the answer). Undefined when it
   * cannot take it (no starter given, Redis down, the file outbox holds entries): the caller hands over itself.
   */
  handOverSoon(handover: Handover, redisUp: boolean): Promise<HandoverResult | 'queued' | undefined>;
  /**
   * `handOverSoon` in two steps, so that its Redis write goes out beside the delivery's claim (one round trip, not
   * two): `reserve` writes at once; then `commit` (what `handOverSoon` resolves to), or `cancel` when the claim
   * says duplicate. Undefined when the fast path cannot be taken (no starter given, the file outbox holds entries).
   */
  reserve(handover: Handover): Reservation | undefined;
  /** Entries waiting in each store (`redis` undefined when Redis does not answer). */
  queued(): Promise<{ redis: number | undefined; file: number }>;
  /** Subscribes to held and drained entries (metrics). */
  observe(observer: (event: OutboxEvent) => void): void;
  report(event: OutboxEvent): void;
  /** Stops the fast path: its entries not started yet go to the queue; resolves once its running handovers end. */
  close(): Promise<void>;
}

export interface Reservation {
  commit(): Promise<HandoverResult | 'queued' | undefined>;
  /** Drops what was written (in the background: the answer does not wait for it). */
  cancel(): void;
}

export interface OutboxOptions {
  redis: Redis;
  /** The deployment's Redis key prefix (the dedupe prefix). */
  prefix: string;
  /** The file outbox's directory (OUTBOX_DIR). */
  dir: string;
  redisTimeoutMs: number;
  logger: Logger;
  /** The workflow layer for the fast path (`handOverSoon`); without it every delivery takes the slow one. */
  starter?: WorkflowStarter;
  /** Bound on one handover of the fast path. */
  callTimeoutMs?: number;
  /** How long a delivery waits for its handover on the fast path before it answers `queued` (default ACK_WITHIN_MS). */
  ackWithinMs?: number;
}

/** Inside the p99 acknowledgement budget (25 ms): Redis round trips and parsing take the rest. */
export const ACK_WITHIN_MS = 10;

export function createOutbox(options: OutboxOptions): Outbox {
  const redis = createRedisOutboxStore(options.redis, { prefix: options.prefix, timeoutMs: options.redisTimeoutMs });
  const file = openFileOutboxStore(options.dir, options.logger);
  const observers: ((event: OutboxEvent) => void)[] = [];
  const report = (event: OutboxEvent) => {
    for (const observer of observers) observer(event);
  };
  const ackWithinMs = options.ackWithinMs ?? ACK_WITHIN_MS;
  const inflight = createRedisInflightStore(options.redis, { prefix: options.prefix, timeoutMs: options.redisTimeoutMs });
  const dispatcher = options.starter
    ? createHandoverDispatcher({
        inflight,
        starter: options.starter,
        logger: options.logger,
        callTimeoutMs: options.callTimeoutMs ?? 6_000,
        onRequeued: (count) => {
          for (let index = 0; index < count; index += 1) report({ type: 'held', store: 'redis' });
        },
        onNotRunning: (entry) => report({ type: 'dropped', signal: entry.signal.name }),
      })
    : undefined;
  const newEntry = (handover: Handover): OutboxEntry => ({ ...handover, id: randomUUID(), queuedAt: new Date().toISOString() });
  function reserve(handover: Handover): Reservation | undefined {
    if (!dispatcher || file.pending() > 0) return undefined;
    const entry = newEntry(handover);
    const to = !dispatcher.accepting() ? 'queue' : dispatcher.holds(subjectKey(entry.subject)) ? 'in-flight' : undefined;
    // Never rejects: a failure is read by commit (the slow path) or ignored by cancel.
    const taken = inflight.takeIn(entry, to).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    return {
      async commit() {
        const outcome = await taken;
        if (outcome instanceof Error) {
          options.logger.warn({ err: outcome, entry: entry.id }, 'redis outbox unavailable: handing the delivery over the slow way');
          return undefined;
        }
        if (outcome.taken === 'queued') {
          report({ type: 'held', store: 'redis' });
          return 'queued';
        }
        return within(dispatcher.dispatch(entry, outcome.raw), ackWithinMs);
      },
      cancel() {
        void taken.then((outcome) => (outcome instanceof Error ? undefined : inflight.drop(outcome))).catch((error: unknown) => {
          options.logger.warn({ err: error, entry: entry.id }, 'could not drop the outbox entry of a duplicate: it will be handed over (harmlessly) once more');
        });
      },
    };
  }

  return {
    redis,
    file,
    async waiting(redisUp) {
      if (file.pending() > 0) return true;
      if (!redisUp) return false;
      // Unknown (Redis just went away): hold, which is never out of order.
      return (await redis.size().catch(() => 1)) > 0;
    },
    async hold(handover, redisUp) {
      const entry = newEntry(handover);
      if (redisUp && file.pending() === 0) {
        try {
          await redis.append(entry);
          report({ type: 'held', store: 'redis' });
          return 'redis';
        } catch (error) {
          options.logger.warn({ err: error, entry: entry.id }, 'redis outbox unavailable; holding the delivery in the file outbox');
        }
      }
      await file.append(entry);
      report({ type: 'held', store: 'file' });
      return 'file';
    },
    reserve,
    async handOverSoon(handover, redisUp) {
      return redisUp ? reserve(handover)?.commit() : undefined;
    },
    async queued() {
      const [queue, late] = await Promise.all([redis.size().catch(() => undefined), dispatcher ? inflight.late(ackWithinMs).catch(() => 0) : 0]);
      return { redis: queue === undefined ? undefined : queue + late, file: file.pending() };
    },
    observe(observer) {
      observers.push(observer);
    },
    report,
    close: async () => dispatcher?.stop(),
  };
}

/**
 * The handover's result if it settles within `ms`, else `queued`. A handover handed back to the queue is `queued`
 * too; only a programming error (WorkflowKindError) is thrown. A late failure is the dispatcher's to handle.
 */
async function within(handed: Promise<HandoverResult>, ms: number): Promise<HandoverResult | 'queued'> {
  type Outcome = { result: HandoverResult | 'queued' } | { error: WorkflowKindError };
  // Never rejects: a failure after the answer is no one's to catch here.
  const outcome = handed.then(
    (result): Outcome => ({ result }),
    (error: unknown): Outcome => (error instanceof WorkflowKindError ? { error } : { result: 'queued' }),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ result: 'queued' }), ms)));
  const first = await Promise.race([outcome, late]);
  clearTimeout(timer);
  if ('error' in first) throw first.error;
  return first.result;
}
