// The per-person limit across changes (person-limits-across-changes) on a real Temporal dev server and the real Redis:
// two review workflows (two changes) share one person's budget through the command activities' claimCommandBudget.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Redis } from 'ioredis';
import { createCommandActivities } from '../src/activities/command-activities.js';
import { createCommandBudget, type CommandBudget } from '../src/activities/commands/command-budget.js';
import { loadConfig } from '../src/config.js';
import type { ChangeCommand } from '../src/domain/change-command.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import { createLogger } from '../src/logger.js';
import { commandBudgetFromConfig } from '../src/workers/command-budget-wiring.js';
import { workerRegistry } from '../src/workers/metrics/forgebot-metrics.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { changeCommandSignal, statusQuery, type ReviewStatus, type RunSettings } from '../src/workflows/definitions.js';
import type { reviewWorkflow } from '../src/workflows/review.js';
import { eventually } from './helpers/forgebot-stack.js';
import { connectRedis } from './helpers/redis.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { freePort } from './helpers/webhook-outbox.js';
import { commandNote, MemoryForge, type Person } from './replay/command-world.js';
import { genericActivities, memoryClaimStore } from './replay/generic-activities.js';
import { World } from './replay/replay-world.js';

const dev: Person = { id: 30, username: 'dev' };
const mia: Person = { id: 40, username: 'mia' };
const HOUR = 60 * 60_000;

interface Changes {
  world: World;
  forge: MemoryForge;
  /** Delivers a command on change `n` (1 or 2) as the webhook does (signal-with-start). */
  say(n: 1 | 2, command: ChangeCommand): Promise<ChangeCommand>;
  answered(command: ChangeCommand): Promise<string>;
  status(n: 1 | 2): Promise<ReviewStatus>;
  /** Agent jobs run (reviews and answers), in order. */
  agentJobs(): string[];
}

async function rateLimited(scope: 'person' | 'change', what: 'answers' | 'reviews'): Promise<number> {
  const metric = await workerRegistry.getSingleMetric('forgebot_command_rate_limited_total')?.get();
  return metric?.values.find((value) => value.labels.scope === scope && value.labels.what === what)?.value ?? 0;
}

describe('per-person limits across changes in the review workflow', () => {
  let env: TestWorkflowEnvironment;
  let redis: Redis;
  let projects = 700;
  const prefix = `forgebot-test:person-limits:${randomUUID()}:`;

  before(async () => {
    redis = await connectRedis();
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
    const keys = (await redis?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await redis.del(...keys);
    redis?.disconnect();
  });

  /** Two GitLab changes of one project, each with its review workflow, on one worker whose budget is `budget`. */
  async function withTwoChanges(budget: CommandBudget, body: (changes: Changes) => Promise<void>): Promise<void> {
    const projectId = ++projects;
    const refs: Record<1 | 2, ChangeRef> = { 1: { forge: 'gitlab', projectId, projectPath: 'group/app', number: 1 }, 2: { forge: 'gitlab', projectId, projectPath: 'group/app', number: 2 } };
    const taskQueue = unique('person-limits');
    const runSettings: RunSettings = { debounceMs: 0, reviewDrafts: false, agentTaskQueue: `${taskQueue}-agent`, agentTimeoutMs: 60_000, reviewsPerRun: 50 };
    // One world for both: the fakes ignore which change they are asked about; the answers are by note id.
    const world = new World(refs[1]);
    const forge = new MemoryForge(world);
    for (const person of [dev, mia]) forge.access.set(person.id, 'write');
    const claims = memoryClaimStore();
    const generic = genericActivities(world, () => runSettings, claims);
    const main = { ...generic.main, ...createCommandActivities({ forges: { gitlab: forge.forge() }, client: env.client, claims, trigger: '/claude', budget }) };
    const mainWorker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: main });
    const agentWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: runSettings.agentTaskQueue, activities: generic.agent });
    const client = env.client.workflow;
    const changes: Changes = {
      world,
      forge,
      say: async (n, command) => {
        await client.signalWithStart<typeof reviewWorkflow, [ChangeCommand]>('reviewWorkflow', { workflowId: reviewWorkflowId(refs[n]), taskQueue, args: [{ ref: refs[n] }], signal: changeCommandSignal, signalArgs: [command] });
        return command;
      },
      answered: (command) => eventually(() => forge.answersTo(command.noteId)[0], `an answer to ${command.command.verb} ${command.noteId}`, 30_000),
      status: (n) => client.getHandle(reviewWorkflowId(refs[n])).query(statusQuery),
      agentJobs: () => world.calls.filter((call) => call === 'runAgent'),
    };
    await mainWorker.runUntil(agentWorker.runUntil(body(changes)));
  }

  test('a person over the limit on a second change gets the limit and when it resets, and no agent job; another person is answered', async () => {
    const budget = createCommandBudget(redis, { perPerson: { answer: 2, review: 2 }, windowMs: HOUR }, { prefix: `${prefix}${randomUUID()}:` });
    await withTwoChanges(budget, async (changes) => {
      const answersRefused = await rateLimited('person', 'answers');
      const reviewsRefused = await rateLimited('person', 'reviews');
      for (const line of ['explain a.ts:1', 'explain a.ts:2']) assert.equal(await changes.answered(await changes.say(1, commandNote(dev, line))), 'an answer for dev');
      assert.equal(changes.agentJobs().length, 2);

      const over = await changes.say(2, commandNote(dev, 'explain a.ts:3'));
      assert.equal(
        await changes.answered(over),
        'Not answered: you asked for 2 answers (explain, suggest, replies to findings) across all merge requests in the last 60 minutes, the most forgebot gives. Try again in about 60 minutes.',
      );
      assert.equal((await changes.status(2)).lastCommand?.result, 'rate-limited (person, across changes)');
      assert.equal(changes.agentJobs().length, 2, 'no agent job for the refused answer');
      assert.deepEqual(changes.forge.reactions.filter((r) => r.noteId === over.noteId), [{ noteId: over.noteId, emoji: 'eyes' }], 'acknowledged, then refused');

      assert.equal(await changes.answered(await changes.say(2, commandNote(mia, 'explain a.ts:3'))), 'an answer for mia', 'the budget is per person');
      assert.equal(changes.agentJobs().length, 3);

      // Reviews on request have their own budget: two on change 1, the third (on change 2) refused.
      for (const line of ['review', 'review full']) assert.match(await changes.answered(await changes.say(1, commandNote(dev, line))), /^Reviewed /);
      const reviewOver = await changes.say(2, commandNote(dev, 'review full'));
      assert.match(await changes.answered(reviewOver), /^Not reviewed: you asked for 2 reviews on request across all merge requests in the last 60 minutes, the most forgebot runs\. Try again in about 60 minutes; pushes are still reviewed as usual\.$/);
      assert.equal(changes.world.reviewsStarted.length, 2, 'no review for the refused command');
      assert.equal(changes.agentJobs().length, 5);

      assert.equal((await rateLimited('person', 'answers')) - answersRefused, 1);
      assert.equal((await rateLimited('person', 'reviews')) - reviewsRefused, 1);
    });
  });

  test('Redis down: fail open — both changes\' commands are answered, each change\'s own limits still apply', async () => {
    const config = loadConfig({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, COMMAND_ANSWERS_PER_PERSON_PER_HOUR: '1' });
    const unavailable = commandBudgetFromConfig(config, createLogger('silent'));
    try {
      await withTwoChanges(unavailable.budget, async (changes) => {
        assert.equal(await changes.answered(await changes.say(1, commandNote(dev, 'explain a.ts:1'))), 'an answer for dev');
        assert.equal(await changes.answered(await changes.say(2, commandNote(dev, 'explain a.ts:2'))), 'an answer for dev', 'over the (unreachable) budget of 1: answered anyway');
        assert.equal(changes.agentJobs().length, 2);
        // The change's own per-person limit (10 answers an hour) still holds without Redis.
        for (let i = 0; i < 9; i++) await changes.answered(await changes.say(1, commandNote(dev, `explain a.ts:${i + 3}`)));
        assert.match(await changes.answered(await changes.say(1, commandNote(dev, 'explain a.ts:20'))), /^Not answered: you asked for 10 answers \(explain, suggest, replies to findings\) in the last 60 minutes/);
        assert.equal(changes.agentJobs().length, 11);
      });
    } finally {
      await unavailable.close();
    }
  });
});
