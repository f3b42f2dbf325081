/**
 * At most `max` of the works passed to the returned function run at once; the others wait their turn, in the order
 * they came (a specialist started first gets a slot first).
 */
export function concurrencyLimit(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return <T>(work: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        active += 1;
        work()
          .then(resolve, reject)
          .finally(() => {
            active -= 1;
            waiting.shift()?.();
          });
      };
      if (active < Math.max(1, max)) start();
      else waiting.push(start);
    });
}
