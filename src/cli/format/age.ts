/**
 * A duration for a person at a terminal, two units at most: `45s`, `3m12s`, `2h03m`, `3d04h`. An operator reads
 * "how long has this waited" at a glance; the JSON output keeps the exact seconds.
 */
export function formatAge(seconds: number): string {
  const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const rest = total % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  if (days > 0) return `${days}d${two(hours)}h`;
  if (hours > 0) return `${hours}h${two(minutes)}m`;
  if (minutes > 0) return `${minutes}m${two(rest)}s`;
  return `${rest}s`;
}
