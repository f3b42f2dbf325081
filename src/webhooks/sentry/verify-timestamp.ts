/** Unix seconds, as Sentry writes them (`str(int(time()))`); a fraction is tolerated. */
const TIMESTAMP = /^\d{1,12}(\.\d{1,9})?$/;

/**
 * Why `header` (`Sentry-Hook-Timestamp`) is refused, or undefined when it is within `toleranceSeconds` of `nowMs`
 * either way. Sentry signs the body only, not this header: the check stops a captured delivery replayed as it was,
 * and the content dedupe key (the body's digest) stops one replayed with a fresh timestamp for as long as it lasts.
 */
export function timestampProblem(header: string | undefined, nowMs: number, toleranceSeconds: number): string | undefined {
  if (header === undefined || header === '') return 'missing Sentry-Hook-Timestamp';
  if (!TIMESTAMP.test(header)) return 'Sentry-Hook-Timestamp is not Unix seconds';
  const skewSeconds = Math.abs(nowMs / 1_000 - Number(header));
  if (skewSeconds > toleranceSeconds) return `Sentry-Hook-Timestamp is ${Math.round(skewSeconds)} s off (more than ${toleranceSeconds} s): a replay or a wrong clock`;
  return undefined;
}
