import { z } from 'zod';
import { Handover } from './handover.js';

/** A held handover: its own id (log lines, poison counting) and when it was accepted. */
export const OutboxEntry = Handover.extend({ id: z.uuid(), queuedAt: z.iso.datetime() });
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export type OutboxStoreName = 'redis' | 'file';

/** One entry as read back: `entry` is undefined when the stored text does not parse (it is set aside, not retried). */
export interface HeldEntry {
  raw: string;
  entry: OutboxEntry | undefined;
}

/** Reads a stored entry back. */
export function readEntry(raw: string): HeldEntry {
  try {
    const parsed = OutboxEntry.safeParse(JSON.parse(raw));
    return { raw, entry: parsed.success ? parsed.data : undefined };
  } catch {
    return { raw, entry: undefined };
  }
}

/**
 * A durable first-in first-out queue of handovers. `append` resolves once the entry is durable; the drainer reads
 * `head`, hands the entries over in order and `shift`s each one it has handed over (at least once: an entry handed
 * over just before a crash is handed over again, which workflow ids make harmless).
 */
export interface OutboxStore {
  readonly name: OutboxStoreName;
  append(entry: OutboxEntry): Promise<void>;
  /** How many entries wait. */
  size(): Promise<number>;
  /** The oldest entries, oldest first, at most `max`. */
  head(max: number): Promise<HeldEntry[]>;
  /** Removes the oldest entry, which must be `held` (the first `head` returned). */
  shift(held: HeldEntry): Promise<void>;
  /** Moves the oldest entry (`held`) to the dead letters: it can never be handed over. */
  bury(held: HeldEntry): Promise<void>;
  /**
   * Whether this process may drain the store now (several server replicas share the Redis outbox; one drains it at a
   * time, so that each subject's entries are handed over in order). Renews the lease when this process holds it.
   */
  lease?(): Promise<boolean>;
  /** Gives the lease up (at shutdown). */
  unlease?(): Promise<void>;
  /** Moves entries abandoned in flight (their replica died while handing them over) to the queue; how many. */
  reclaim?(): Promise<number>;
}
