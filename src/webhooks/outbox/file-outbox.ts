import { constants } from 'node:fs';
import { access, appendFile, mkdir, open, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import { readEntry, type HeldEntry, type OutboxStore } from './outbox-store.js';

/** The file outbox: like every store, plus what it can tell without I/O. */
export interface FileOutboxStore extends OutboxStore {
  /** Entries waiting, known in memory (from the moment `opened()` has settled). */
  pending(): number;
  /** Settles (never rejects) once the store has read what a previous run left: the server waits for it before it listens. */
  opened(): Promise<void>;
  /** Throws when the directory cannot hold entries (not creatable, not writable). */
  check(): Promise<void>;
}

const NEWLINE = 0x0a;
const READ_CHUNK = 64 * 1024;

/**
 * The outbox on local disk, for when Redis is down too: `outbox.jsonl` (one JSON line per entry, appended and
 * fsync'd before the delivery is acknowledged; concurrent appends share one write and one fsync), `outbox.offset`
 * (bytes already handed over; replaced atomically) and `dead.jsonl` (entries that can never be handed over). When
 * everything is handed over the queue file is truncated. One directory per server process.
 *
 * A line cut short by a crash was never acknowledged (the fsync had not returned): it is dropped when the store opens.
 * Never throws: a directory that cannot be used is reported by `check()` and by every `append`, and retried.
 */
export function openFileOutboxStore(dir: string, logger: Logger): FileOutboxStore {
  const queueFile = join(dir, 'outbox.jsonl');
  const offsetFile = join(dir, 'outbox.offset');
  const deadFile = join(dir, 'dead.jsonl');
  /** Bytes handed over, bytes of complete lines, and the lines between them. */
  let offset = 0;
  let end = 0;
  let pendingCount = 0;
  let opened: Promise<void> | undefined;
  const ends = new WeakMap<HeldEntry, number>();

  let chain: Promise<unknown> = Promise.resolve();
  /** Appends and the truncation of a drained queue never interleave. */
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };

  async function init(): Promise<void> {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const content = await readFile(queueFile).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    end = content.lastIndexOf(NEWLINE) + 1;
    if (end < content.length) {
      await truncate(queueFile, end);
      logger.warn({ dir, bytes: content.length - end }, 'file outbox: dropped a line cut short by a crash (it was never acknowledged)');
    }
    const stored = Number((await readFile(offsetFile, 'utf8').catch(() => '0')).trim());
    const aligned = Number.isSafeInteger(stored) && stored >= 0 && stored <= end && (stored === 0 || content[stored - 1] === NEWLINE);
    // Past the end: the queue was truncated after it drained, before the offset was reset. Unreadable: hand over again.
    offset = aligned ? stored : 0;
    if (offset !== stored) await writeOffset(offset);
    pendingCount = 0;
    for (let at = content.indexOf(NEWLINE, offset); at !== -1 && at < end; at = content.indexOf(NEWLINE, at + 1)) pendingCount++;
    if (pendingCount > 0) logger.info({ dir, pending: pendingCount }, 'file outbox holds deliveries from before the restart');
  }

  function ready(): Promise<void> {
    opened ??= init().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  }
  const first = ready().catch((error: unknown) => logger.error({ err: error, dir }, 'file outbox directory unusable: with Redis down too, deliveries cannot be held'));

  async function writeOffset(value: number): Promise<void> {
    await writeFile(`${offsetFile}.tmp`, String(value), { flush: true });
    await rename(`${offsetFile}.tmp`, offsetFile);
  }

  async function shift(held: HeldEntry): Promise<void> {
    const lineEnd = ends.get(held);
    if (lineEnd === undefined) throw new Error('file outbox: shift of an entry head() did not return');
    await exclusive(async () => {
      offset = lineEnd;
      pendingCount--;
      if (offset === end) {
        // Drained: start the queue again (truncate first: an offset past the end reads as "all handed over").
        await truncate(queueFile, 0);
        offset = 0;
        end = 0;
      }
      await writeOffset(offset);
    });
  }

  let waiting: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let flushing = false;
  /** Group commit: every append waiting when a write starts goes into it, with one fsync. */
  async function flush(): Promise<void> {
    flushing = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        await ready();
        await exclusive(async () => {
          const text = batch.map((item) => item.line).join('');
          try {
            await appendFile(queueFile, text, { flush: true });
          } catch (error) {
            // A partial write must not leave half a line for the next append to extend.
            await truncate(queueFile, end).catch(() => undefined);
            throw error;
          }
          end += Buffer.byteLength(text);
          pendingCount += batch.length;
        });
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    flushing = false;
  }

  return {
    name: 'file',
    append(entry) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ line: `${JSON.stringify(entry)}\n`, resolve, reject });
        if (!flushing) void flush();
      });
    },
    pending: () => pendingCount,
    opened: () => first,
    async size() {
      await first;
      return pendingCount;
    },
    async check() {
      await ready();
      await access(dir, constants.W_OK);
    },
    async head(max) {
      await ready();
      if (pendingCount === 0) return [];
      const found: HeldEntry[] = [];
      const file = await open(queueFile, 'r');
      try {
        let position = offset;
        let carry = Buffer.alloc(0);
        while (found.length < max && position < end) {
          const chunk = Buffer.alloc(Math.min(READ_CHUNK, end - position));
          const { bytesRead } = await file.read(chunk, 0, chunk.length, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          const data = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
          const base = position - data.length;
          let start = 0;
          for (let at = data.indexOf(NEWLINE); at !== -1 && found.length < max; at = data.indexOf(NEWLINE, start)) {
            const held = readEntry(data.subarray(start, at).toString('utf8'));
            ends.set(held, base + at + 1);
            found.push(held);
            start = at + 1;
          }
          carry = data.subarray(start);
        }
      } finally {
        await file.close();
      }
      return found;
    },
    shift,
    async bury(held) {
      await appendFile(deadFile, `${held.raw}\n`, { flush: true });
      await shift(held);
    },
  };
}
