// The per-person budget of token-costing commands across changes (src/activities/commands/command-budget.ts) against
// the real Redis at 127.0.0.1:6379 (own key prefix per run), and, for an outage, a redis-server of the test's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createCommandBudget, type CommandBudgetClaim, type CommandBudgetLimits } from '../src/activities/commands/command-budget.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { commandBudgetFromConfig, commandBudgetLimits } from '../src/workers/command-budget-wiring.js';
import { workerRegistry } from '../src/workers/metrics/forgebot-metrics.js';
import { eventually } from './helpers/forgebot-stack.js';
import { connectRedis } from './helpers/redis.js';
import { freePort, startRedisServer } from './helpers/webhook-outbox.js';

const HOUR = 60 * 60_000;
const T0 = Date.UTC(2025, 0, 1, 9, 0, 0);
const limits: CommandBudgetLimits = { perPerson: { answer: 4, review: 2 }, windowMs: HOUR };

let notes = 0;
/** A claim by user 7 on GitLab (an answer on change 1 unless told), with a new command id unless given. */
const claimOf = (over: Partial<CommandBudgetClaim> = {}): CommandBudgetClaim => ({ forge: 'gitlab', userId: 7, kind: 'answer', changeKey: 'review:gitlab:1:1', commandId: `note:${++notes}`, at: T0, ...over });

async function uncheckedCount(kind: 'answer' | 'review'): Promise<number> {
  const metric = await workerRegistry.getSingleMetric('forgebot_command_budget_unchecked_total')?.get();
  return metric?.values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

describe('command budget across changes (Redis)', () => {
  let redis: Redis;
  const prefix = `forgebot-test:command-budget:${randomUUID()}:`;
  const budget = (over: Partial<CommandBudgetLimits> = {}, runPrefix = `${prefix}${randomUUID()}:`) => createCommandBudget(redis, { ...limits, ...over }, { prefix: runPrefix });

  before(async () => {
    redis = await connectRedis();
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  test('concurrent claims on many changes: exactly the limit is allowed, the rest told when the oldest leaves the window', async () => {
    const people = budget();
    const claims = Array.from({ length: 25 }, (_, i) => claimOf({ changeKey: `review:gitlab:1:${i % 5}`, at: T0 + i }));
    const verdicts = await Promise.all(claims.map((claim) => people.claim(claim)));
    const allowed = verdicts.filter((verdict) => verdict.allowed);
    assert.equal(allowed.length, 4, 'four answers an hour across all changes, however many claims race');
    for (const verdict of verdicts) {
      if (verdict.allowed) continue;
      assert.equal(verdict.limit, 4);
      assert.equal(verdict.windowMinutes, 60);
      assert.ok(verdict.retryInMs > HOUR - 30 && verdict.retryInMs <= HOUR, `resets when the oldest allowed claim is an hour old (${verdict.retryInMs})`);
    }
  });

  test('idempotent per command: a retried claim of the same note counts once, and is allowed again even when the budget is spent', async () => {
    const people = budget();
    const retried = claimOf();
    const verdicts = await Promise.all(Array.from({ length: 6 }, () => people.claim(retried)));
    assert.ok(verdicts.every((verdict) => verdict.allowed));
    for (let i = 0; i < 3; i++) assert.equal((await people.claim(claimOf({ at: T0 + 1 + i }))).allowed, true, `claim ${i + 2} of 4`);
    assert.equal((await people.claim(claimOf({ at: T0 + 10 }))).allowed, false, 'the fifth distinct command is over');
    assert.equal((await people.claim({ ...retried, at: T0 + 20 })).allowed, true, 'the first command, retried later, still holds its place');
    // The same note id on another change is another command (note ids are the change's own on some forges).
    assert.equal((await people.claim({ ...retried, changeKey: 'review:gitlab:2:9', at: T0 + 30 })).allowed, false);
  });

  test('the window slides: a place frees up when its claim is an hour old, not before; refusals do not push the reset away', async () => {
    const people = budget();
    for (let i = 0; i < 4; i++) assert.equal((await people.claim(claimOf({ at: T0 + i * 60_000 }))).allowed, true);
    const early = await people.claim(claimOf({ at: T0 + HOUR - 1 }));
    assert.deepEqual(early, { allowed: false, limit: 4, windowMinutes: 60, retryInMs: 1 });
    assert.equal((await people.claim(claimOf({ at: T0 + HOUR }))).allowed, true, 'the first place is free at T0 + 1h');
    assert.equal((await people.claim(claimOf({ at: T0 + HOUR + 1 }))).allowed, false, 'and taken again');
    assert.equal((await people.claim(claimOf({ at: T0 + HOUR + 60_000 }))).allowed, true, 'the second place frees a minute later');
    const keys = await redis.keys(`${prefix}*`);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    assert.ok(ttls.every((ttl) => ttl > 0 && ttl <= HOUR), 'every window expires on its own');
  });

  test('budgets are per person, per kind and per forge; exempt people are not counted', async () => {
    const people = budget({ exempt: new Set(['github:99']) });
    for (let i = 0; i < 2; i++) assert.equal((await people.claim(claimOf({ kind: 'review', at: T0 + i }))).allowed, true);
    assert.equal((await people.claim(claimOf({ kind: 'review', at: T0 + 5 }))).allowed, false, 'two reviews an hour');
    assert.equal((await people.claim(claimOf({ kind: 'answer', at: T0 + 5 }))).allowed, true, 'answers have their own budget');
    assert.equal((await people.claim(claimOf({ kind: 'review', userId: 8, at: T0 + 5 }))).allowed, true, 'another person');
    assert.equal((await people.claim(claimOf({ kind: 'review', forge: 'github', at: T0 + 5 }))).allowed, true, 'user 7 on GitHub is someone else');
    const exempt = await Promise.all(Array.from({ length: 5 }, (_, i) => people.claim(claimOf({ kind: 'review', forge: 'github', userId: 99, at: T0 + i }))));
    assert.deepEqual(new Set(exempt.map((verdict) => JSON.stringify(verdict))), new Set([JSON.stringify({ allowed: true, unchecked: 'exempt' })]));
  });

  test('the limits from the configuration: 20 answers and 10 reviews an hour by default; exemptions by forge user id', () => {
    const defaults = commandBudgetLimits(loadConfig({}));
    assert.deepEqual([defaults.perPerson, defaults.windowMs, [...(defaults.exempt ?? [])]], [{ answer: 20, review: 10 }, HOUR, []]);
    const set = commandBudgetLimits(loadConfig({ COMMAND_ANSWERS_PER_PERSON_PER_HOUR: '3', COMMAND_REVIEWS_PER_PERSON_PER_HOUR: '1', COMMAND_LIMITS_EXEMPT: 'gitlab:12, github:345' }));
    assert.deepEqual([set.perPerson, [...(set.exempt ?? [])]], [{ answer: 3, review: 1 }, ['gitlab:12', 'github:345']]);
    assert.throws(() => loadConfig({ COMMAND_LIMITS_EXEMPT: 'alice' }), /COMMAND_LIMITS_EXEMPT/);
    assert.throws(() => loadConfig({ COMMAND_REVIEWS_PER_PERSON_PER_HOUR: '0' }), /COMMAND_REVIEWS_PER_PERSON_PER_HOUR/);
  });
});

describe('command budget when Redis is down (the worker\'s own client)', () => {
  test('fails open: allowed unchecked at once, logged and counted; counting again once Redis is back', async () => {
    const port = await freePort();
    const server = await startRedisServer(port);
    const warnings: Array<Record<string, unknown>> = [];
    const logger = createLogger('warn', 'json', 'command-budget-test');
    const recording = Object.assign(Object.create(logger) as typeof logger, {
      warn: (fields: Record<string, unknown>) => warnings.push(fields),
      debug: () => undefined,
    });
    const config = loadConfig({ REDIS_URL: server.url, COMMAND_REVIEWS_PER_PERSON_PER_HOUR: '1' });
    const { budget, close } = commandBudgetFromConfig(config, recording);
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    // stop() twice would wait for an exit that happened already (the helper checks exitCode, null after a SIGKILL).
    let stopped = false;
    try {
      assert.deepEqual(await budget.claim(claimOf({ kind: 'review' })), { allowed: true });
      assert.equal((await budget.claim(claimOf({ kind: 'review', at: T0 + 1 }))).allowed, false, 'counted while Redis is up');
      await server.stop();
      stopped = true;

      const before = await uncheckedCount('review');
      const began = Date.now();
      const verdicts = await Promise.all(Array.from({ length: 3 }, (_, i) => budget.claim(claimOf({ kind: 'review', at: T0 + 2 + i }))));
      assert.deepEqual(verdicts, Array.from({ length: 3 }, () => ({ allowed: true, unchecked: 'unavailable' })), 'fail open: the change\'s own limits still apply in the workflow');
      assert.ok(Date.now() - began < 10_000, 'within the activity\'s bound, not after a long wait');
      assert.equal((await uncheckedCount('review')) - before, 3);
      assert.equal(warnings.length, 3);
      assert.deepEqual([warnings[0]?.forge, warnings[0]?.userId, warnings[0]?.kind], ['gitlab', 7, 'review']);

      restarted = await startRedisServer(port);
      // The restarted server is empty (no persistence): the first review is allowed, the second counted over again.
      // The client reconnects on its own (ioredis' backoff): the first verdict checked again.
      const back = await eventually(async () => {
        const verdict = await budget.claim(claimOf({ kind: 'review', at: T0 + 10 }));
        return verdict.allowed && verdict.unchecked === 'unavailable' ? undefined : verdict;
      }, 'the budget reaches the restarted Redis', 20_000);
      assert.deepEqual(back, { allowed: true });
      assert.equal((await budget.claim(claimOf({ kind: 'review', at: T0 + 11 }))).allowed, false, 'counting again');
    } finally {
      await close();
      await restarted?.stop();
      if (!stopped) await server.stop();
    }
  });
});
