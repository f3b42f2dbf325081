const done = () => undefined;

/**
 * Conversations over the same batches share one cached prefix (tools, system prompt, the batch's brief). The first
 * to reach a batch goes at once and writes it; the others wait for its first turn and then read it from the cache
 * (a cache entry is readable only once the request that writes it has answered: started together, each would pay
 * the write). With `wait` false every conversation starts at once (the bench's comparison).
 *
 * Returns the gate reviewBatches calls before a batch: it resolves when the conversation may start, with the function
 * to call once its first turn has answered (idempotent; a no-op for the readers).
 */
export function sharedPrefixGate(wait: boolean): (batchIndex: number) => Promise<() => void> {
  const written = new Map<number, Promise<void>>();
  return async (batchIndex) => {
    const pending = written.get(batchIndex);
    if (pending) {
      await pending;
      return done;
    }
    if (!wait) return done;
    let release: () => void = done;
    written.set(batchIndex, new Promise<void>((resolve) => (release = resolve)));
    return release;
  };
}
