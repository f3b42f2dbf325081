import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createCommandBudget, type CommandBudget, type CommandBudgetLimits } from '../activities/commands/command-budget.js';

const HOUR_MS = 60 * 60_000;

/** The per-person limits across changes, from COMMAND_*_PER_PERSON_PER_HOUR and COMMAND_LIMITS_EXEMPT. */
export function commandBudgetLimits(config: Pick<Config, 'COMMAND_ANSWERS_PER_PERSON_PER_HOUR' | 'COMMAND_REVIEWS_PER_PERSON_PER_HOUR' | 'COMMAND_LIMITS_EXEMPT'>): CommandBudgetLimits {
  return {
    perPerson: { answer: config.COMMAND_ANSWERS_PER_PERSON_PER_HOUR, review: config.COMMAND_REVIEWS_PER_PERSON_PER_HOUR },
    windowMs: HOUR_MS,
    exempt: new Set(config.COMMAND_LIMITS_EXEMPT ?? []),
  };
}

/**
 * The main worker's command budget on its own Redis client (REDIS_URL, as the webhook server's). A person waits on
 * the answer: commands fail within seconds when Redis is away, and the budget then lets the command through (logged).
 */
export function commandBudgetFromConfig(config: Config, logger: Logger): { budget: CommandBudget; close(): Promise<void> } {
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 2_000 });
  redis.on('error', (error: Error) => logger.debug({ err: error.message }, 'command budget: redis connection error'));
  const budget = createCommandBudget(redis, commandBudgetLimits(config), {
    onUnavailable: (reason, claim) => logger.warn({ reason, forge: claim.forge, userId: claim.userId, kind: claim.kind }, 'command budget: redis unavailable, the command runs on its change\'s limits alone'),
  });
  return {
    budget,
    async close() {
      // QUIT waits for a connection: a client that is reconnecting (Redis away) is dropped instead.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
