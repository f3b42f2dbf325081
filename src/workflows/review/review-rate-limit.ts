/** How many asks a window allows, per person and per change. */
export interface AskLimits {
  perPerson: number;
  perChange: number;
  windowMs: number;
}

/** Reviews on request cost model tokens: at most this many per person, and per change, within the window. */
export const REVIEW_ASK_LIMITS: AskLimits = { perPerson: 5, perChange: 15, windowMs: 60 * 60_000 };

export interface ReviewAsk {
  /** The forge user id of who asked. */
  by: number;
  /** When (epoch ms, workflow time). */
  at: number;
}

export type RateVerdict = { allowed: true } | { allowed: false; scope: 'person' | 'change'; limit: number; retryInMs: number };

/** The asks still inside the window at `now` (the only ones kept, and carried across continue-as-new). */
export function recentAsks(asks: readonly ReviewAsk[], now: number, limits: AskLimits = REVIEW_ASK_LIMITS): ReviewAsk[] {
  return asks.filter((ask) => now - ask.at < limits.windowMs);
}

/** Whether `by` may ask for one more review now; if not, which limit stops them and when the oldest ask leaves the window. */
export function rateVerdict(asks: readonly ReviewAsk[], by: number, now: number, limits: AskLimits = REVIEW_ASK_LIMITS): RateVerdict {
  const recent = recentAsks(asks, now, limits);
  const theirs = recent.filter((ask) => ask.by === by);
  const full = theirs.length >= limits.perPerson ? { scope: 'person' as const, limit: limits.perPerson, asks: theirs } : recent.length >= limits.perChange ? { scope: 'change' as const, limit: limits.perChange, asks: recent } : undefined;
  if (!full) return { allowed: true };
  const oldest = Math.min(...full.asks.map((ask) => ask.at));
  return { allowed: false, scope: full.scope, limit: full.limit, retryInMs: Math.max(0, oldest + limits.windowMs - now) };
}
