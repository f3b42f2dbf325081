import type { Redis } from 'ioredis';
import { assertRedisConnected } from '../../webhooks/dedupe.js';
import { countBudgetUnchecked } from '../../workers/metrics/command-metrics.js';

/** The two kinds of commands that cost model tokens, each with its own hourly budget per person. */
export type CommandBudgetKind = 'answer' | 'review';

/** One token-costing command a person gave, to be counted against their budget across every change of a forge. */
export interface CommandBudgetClaim {
  forge: 'gitlab' | 'github';
  /** The forge's user id (never the name: names change). */
  userId: number;
  kind: CommandBudgetKind;
  /** The change it was given on (the review workflow id): part of the command's identity. */
  changeKey: string;
  /** The note that holds the command (`<noteKind>:<noteId>`): a retried claim of the same one counts once. */
  commandId: string;
  /** When (epoch ms, the workflow's time: the same on every retry). */
  at: number;
}

export type CommandBudgetVerdict =
  /** `unchecked`: allowed without counting (the person is exempt, or Redis could not be asked: see claim()). */
  | { allowed: true; unchecked?: 'exempt' | 'unavailable' }
  | { allowed: false; limit: number; windowMinutes: number; retryInMs: number };

export interface CommandBudgetLimits {
  /** Per person per window, across all changes of a forge. */
  perPerson: Record<CommandBudgetKind, number>;
  windowMs: number;
  /** `<forge>:<user id>` of people the budget does not count (operators who must not be stopped, if configured). */
  exempt?: ReadonlySet<string>;
}

export interface CommandBudget {
  claim(claim: CommandBudgetClaim): Promise<CommandBudgetVerdict>;
}

/** The deployment's key prefix for the budgets (one sorted set per forge, person and kind). */
export const DEFAULT_COMMAND_BUDGET_PREFIX = 'forgebot:command-budget:';

/**
 * A sliding window in one sorted set (member: the command, score: when), in one script so that concurrent claims of
 * one person (commands on several changes, taken by several workflows at once) cannot both take the last place.
 * A command already in the window is allowed again without counting (a retried activity). Denied commands are not
 * added: asking again while over the limit does not push the reset further away.
 * Returns {1, count} when allowed, {0, oldest} when the window is full.
 */
const CLAIM = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return {1, redis.call('ZCARD', KEYS[1])} end
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2])}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1, count + 1}`;

/**
 * Per-person budgets of token-costing commands across every change, in Redis (the review workflows each see only
 * their own change). `onUnavailable` hears why Redis could not be asked (the activity logs it).
 */
export function createCommandBudget(redis: Redis, limits: CommandBudgetLimits, options: { prefix?: string; onUnavailable?: (reason: string, claim: CommandBudgetClaim) => void } = {}): CommandBudget {
  const prefix = options.prefix ?? DEFAULT_COMMAND_BUDGET_PREFIX;
  return {
    async claim(claim) {
      if (limits.exempt?.has(`${claim.forge}:${claim.userId}`)) return { allowed: true, unchecked: 'exempt' };
      const limit = limits.perPerson[claim.kind];
      const at = Math.floor(claim.at);
      try {
        assertRedisConnected(redis);
        const key = `${prefix}${claim.forge}:${claim.userId}:${claim.kind}`;
        const [allowed, value] = (await redis.eval(CLAIM, 1, key, String(at), String(limits.windowMs), String(limit), `${claim.changeKey}|${claim.commandId}`)) as [number, number];
        if (allowed === 1) return { allowed: true };
        return { allowed: false, limit, windowMinutes: Math.round(limits.windowMs / 60_000), retryInMs: Math.max(0, value + limits.windowMs - at) };
      } catch (error) {
        // Fail open. A Redis outage must not stop every token-costing command for as long as it lasts, and what it
        // leaves unbounded is bounded elsewhere: each change's workflow still applies its own per-person and
        // per-change limits (no Redis needed), and the agent queue runs one job at a time with a token budget each.
        // The outage is logged and counted (forgebot_command_budget_unchecked_total) so that it is seen.
        countBudgetUnchecked(claim.kind);
        options.onUnavailable?.(error instanceof Error ? error.message : String(error), claim);
        return { allowed: true, unchecked: 'unavailable' };
      }
    },
  };
}
