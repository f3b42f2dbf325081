// Commands in comments, taken by the review workflow on a real Temporal dev server: the review world's fakes for the
// reviewer, the real command activities on a forge in memory, and (approve/reject) a real sentry-fix workflow on its
// world's fakes, reached through visibility and its `decide` Update.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createCommandActivities } from '../src/activities/command-activities.js';
import type { ChangeCommand } from '../src/domain/change-command.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ReviewRequest } from '../src/domain/review-request.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { changeCommandSignal, newRevisionSignal, statusQuery, type ReviewStatus, type RunSettings } from '../src/workflows/definitions.js';
import type { reviewWorkflow } from '../src/workflows/review.js';
import { sentryFixStatusQuery } from '../src/workflows/sentry-fix-definitions.js';
import { eventually } from './helpers/forgebot-stack.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { commandNote, MemoryForge, type Person } from './replay/command-world.js';
import { genericActivities, memoryClaimStore } from './replay/generic-activities.js';
import { sha, World } from './replay/replay-world.js';
import { SentryWorld, withSentryFix } from './replay/sentry-world.js';

const dev: Person = { id: 30, username: 'dev' };
const mia: Person = { id: 40, username: 'mia' };
const max: Person = { id: 41, username: 'max' };
const gus: Person = { id: 10, username: 'gus' };

interface Review {
  world: World;
  forge: MemoryForge;
  /** The lastReviewedSha each fetchChange was asked with (undefined: a full review). */
  fetchedSince: Array<string | undefined>;
  push(headSha: string): Promise<void>;
  /** Delivers a command as the webhook does (signal-with-start: a workflow may begin with it); returns it. */
  say(command: ChangeCommand): Promise<ChangeCommand>;
  status(): Promise<ReviewStatus>;
  /** Waits for the answers to a note (one by default), and returns them. */
  answered(command: ChangeCommand, count?: number): Promise<string[]>;
}

describe('change commands in the review workflow', () => {
  let env: TestWorkflowEnvironment;
  let projects = 500;

  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => env?.teardown());

  /** A review workflow for `ref` (a new GitLab change by default) on its own task queues, while `body` runs. */
  async function withReview(settings: Partial<RunSettings>, body: (review: Review) => Promise<void>, ref: ChangeRef = { forge: 'gitlab', projectId: ++projects, projectPath: 'group/app', number: 7 }): Promise<void> {
    const taskQueue = unique('commands');
    const runSettings: RunSettings = { debounceMs: 0, reviewDrafts: false, agentTaskQueue: `${taskQueue}-agent`, agentTimeoutMs: 60_000, reviewsPerRun: 50, ...settings };
    const world = new World(ref);
    const forge = new MemoryForge(world);
    for (const [person, level] of [[dev, 'write'], [mia, 'maintain'], [max, 'maintain'], [gus, 'read']] as const) forge.access.set(person.id, level);
    const fetchedSince: Array<string | undefined> = [];
    const claims = memoryClaimStore();
    const generic = genericActivities(world, () => runSettings, claims);
    const main = {
      ...generic.main,
      fetchChange: (change: ChangeRef, lastReviewedSha?: string) => {
        fetchedSince.push(lastReviewedSha);
        return generic.main.fetchChange(change, lastReviewedSha);
      },
      ...createCommandActivities({ forges: { gitlab: forge.forge() }, client: env.client, claims, trigger: '/claude' }),
    };
    const mainWorker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: main });
    const agentWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: runSettings.agentTaskQueue, activities: generic.agent });
    const client = env.client.workflow;
    const start = { workflowId: reviewWorkflowId(ref), taskQueue, args: [{ ref }] as [{ ref: ChangeRef }] };
    const review: Review = {
      world,
      forge,
      fetchedSince,
      push: async (headSha) => {
        world.head = headSha;
        await client.signalWithStart<typeof reviewWorkflow, [ReviewRequest]>('reviewWorkflow', { ...start, signal: newRevisionSignal, signalArgs: [world.request(headSha)] });
      },
      say: async (command) => {
        await client.signalWithStart<typeof reviewWorkflow, [ChangeCommand]>('reviewWorkflow', { ...start, signal: changeCommandSignal, signalArgs: [command] });
        return command;
      },
      status: () => client.getHandle(start.workflowId).query(statusQuery),
      answered: (command, count = 1) => eventually(() => (forge.answersTo(command.noteId).length >= count ? forge.answersTo(command.noteId) : undefined), `${count} answer(s) to ${command.command.verb} ${command.noteId}`, 30_000),
    };
    await mainWorker.runUntil(agentWorker.runUntil(body(review)));
  }

  const until = (what: string, check: () => boolean | Promise<boolean>) => eventually(async () => (await check()) || undefined, what, 30_000);

  test('review on a draft: reviewed at once, acknowledged, answered; during a quiet period it cuts it short; full is not incremental', async () => {
    await withReview({ debounceMs: 600_000 }, async (review) => {
      review.world.draft = true;
      await review.push(sha(1));
      await until('the draft read and left alone', async () => review.world.fetched.length === 1 && (await review.status()).phase === 'waiting');
      assert.deepEqual(review.world.reviewsStarted, []);

      const now = await review.say(commandNote(dev, 'review'));
      const [answer] = await review.answered(now);
      assert.match(answer ?? '', new RegExp(`^Reviewed \`${sha(1).slice(0, 12)}\` \\(the whole merge request\\): no findings\\.`));
      assert.deepEqual(review.world.reviewsStarted, [sha(1)]);
      assert.deepEqual(review.forge.reactions.filter((r) => r.noteId === now.noteId), [{ noteId: now.noteId, emoji: 'eyes' }]);
      assert.deepEqual((await review.status()).lastCommand?.result, `reviewed ${sha(1).slice(0, 12)}`);

      // A push waits out a ten-minute quiet period; a review command ends it (this test would time out otherwise).
      await review.push(sha(2));
      await until('the quiet period', async () => (await review.status()).phase === 'debouncing');
      await review.answered(await review.say(commandNote(dev, 'review')));
      assert.deepEqual(review.world.reviewsStarted, [sha(1), sha(2)]);
      assert.equal(review.fetchedSince.at(-1), sha(1), 'incremental: since the last reviewed revision');

      const full = await review.say(commandNote(dev, 'review full'));
      assert.match((await review.answered(full))[0] ?? '', /the whole merge request again/);
      assert.equal(review.fetchedSince.at(-1), undefined, 'full: not incremental');
      assert.deepEqual(review.world.reviewsStarted, [sha(1), sha(2), sha(2)]);
    });
  });

  test('pause: a push is remembered, not reviewed; resume reviews the newest; a reader may not pause', async () => {
    await withReview({}, async (review) => {
      await review.push(sha(1));
      await until('sha1 reviewed', async () => (await review.status()).lastReviewedSha === sha(1));
      assert.match((await review.answered(await review.say(commandNote(dev, 'pause'))))[0] ?? '', /are paused: new pushes are remembered, not reviewed/);
      assert.equal((await review.status()).paused, true);

      const turns = () => review.world.calls.filter((call) => call === 'readRunSettings').length;
      const turnsBefore = turns();
      await review.push(sha(2));
      await until('sha2 remembered', async () => (await review.status()).latestSha === sha(2));
      // An unpaused workflow would have begun a turn (readRunSettings, scheduled with the push) before this is answered.
      await review.answered(await review.say(commandNote(gus, 'help')));
      assert.equal(turns(), turnsBefore, 'no turn began');
      assert.deepEqual(review.world.reviewsStarted, [sha(1)]);
      assert.equal((await review.status()).phase, 'waiting');

      const refused = await review.say(commandNote(gus, 'resume'));
      assert.match((await review.answered(refused))[0] ?? '', /^`\/claude resume` needs Developer or more on `group\/app`; you have Guest\. Nothing was done\.$/);
      assert.equal((await review.status()).paused, true);

      const resumed = await review.say(commandNote(dev, 'resume'));
      assert.match((await review.answered(resumed))[0] ?? '', new RegExp(`on again\\. The newest push, \`${sha(2).slice(0, 12)}\`, is reviewed now\\.`));
      await until('sha2 reviewed', async () => (await review.status()).lastReviewedSha === sha(2));
      assert.equal((await review.status()).paused, false);
    });
  });

  test('continue-as-new carries the pause and the notes already taken', async () => {
    await withReview({ reviewsPerRun: 2 }, async (review) => {
      await review.push(sha(1));
      await until('sha1 reviewed', async () => (await review.status()).reviewsCompleted === 1);
      const firstRun = (await env.client.workflow.getHandle(reviewWorkflowId(review.world.ref)).describe()).runId;
      await review.answered(await review.say(commandNote(dev, 'pause')));
      const asked = await review.say(commandNote(dev, 'review'));
      await review.answered(asked);
      await until('the run continued as new', async () => (await env.client.workflow.getHandle(reviewWorkflowId(review.world.ref), firstRun).describe()).status.name === 'CONTINUED_AS_NEW');
      assert.equal((await review.status()).paused, true, 'still paused in the new run');

      const turns = () => review.world.calls.filter((call) => call === 'readRunSettings').length;
      const turnsBefore = turns();
      await review.push(sha(3));
      await review.say(asked); // a redelivery of a note the first run took
      await review.answered(await review.say(commandNote(gus, 'help')));
      assert.equal(turns(), turnsBefore, 'paused: no turn began for sha3');
      assert.equal(review.forge.answersTo(asked.noteId).length, 1, 'the redelivered note was not taken again');
      assert.deepEqual(review.world.reviewsStarted, [sha(1), sha(1)]);
      await review.answered(await review.say(commandNote(dev, 'resume')));
      await until('sha3 reviewed', async () => (await review.status()).lastReviewedSha === sha(3));
    });
  });

  test('help, explain, a duplicate note id, approve with no owner, and the per-person rate limit on reviews', async () => {
    await withReview({}, async (review) => {
      await review.push(sha(1));
      await until('sha1 reviewed', async () => (await review.status()).lastReviewedSha === sha(1));
      const help = commandNote(gus, 'help');
      await Promise.all(Array.from({ length: 5 }, () => review.say(help)));
      const [text] = await review.answered(help);
      assert.match(text ?? '', /`\/claude approve`, `\/claude reject <reason>`: .* Maintainer or more\./);
      const unknown = await review.say({ ...commandNote(gus, 'help'), command: { verb: 'help', argument: 'unknown: revew' } });
      assert.match((await review.answered(unknown))[0] ?? '', /^`revew` is not a forgebot command\./);
      assert.equal(review.forge.answersTo(help.noteId).length, 1, 'five deliveries of one note: one answer');
      assert.equal(review.forge.reactions.filter((r) => r.noteId === help.noteId).length, 1);

      assert.equal((await review.answered(await review.say(commandNote(dev, 'explain src/a.ts:3'))))[0], 'an answer for dev', "the answerer's answer, posted by postAnswer");
      assert.match((await review.answered(await review.say(commandNote(mia, 'approve'))))[0] ?? '', /^No forgebot workflow waits for a decision on this merge request/);

      const asks = Array.from({ length: 6 }, () => commandNote(dev, 'review full'));
      for (const ask of asks) await review.say(ask);
      const answers = await Promise.all(asks.map(async (ask) => (await review.answered(ask))[0] ?? ''));
      assert.equal(answers.filter((answer) => answer.startsWith('Reviewed')).length, 5);
      assert.match(answers[5] ?? '', /^Not reviewed: you asked for 5 reviews on request in the last 60 minutes/);
      assert.match((await review.status()).lastCommand?.result ?? '', /^(rate-limited \(person\)|reviewed a{12})$/);
    });
  });

  test('approve on a Sentry fix\'s change: a developer is refused (no Update reaches the workflow); maintainers\' approvals open the gate', async () => {
    const sentry = new SentryWorld(SentryWorld.mapping('group/fixes', { approvals: 2 }), { issueId: '9001', shortId: 'CMD-1', agentTaskQueue: unique('sentry-commands') });
    await withSentryFix(env, sentry, async (fix) => {
      await until('the merge gate is open', async () => (await fix.query(sentryFixStatusQuery)).openGate?.gate === 'merge');
      const change = (await fix.query(sentryFixStatusQuery)).change?.ref;
      assert.ok(change);
      await withReview({}, async (review) => {
        const denied = await review.say(commandNote(dev, 'approve'));
        assert.match((await review.answered(denied))[0] ?? '', /^`\/claude approve` needs Maintainer or more on `group\/fixes`; you have Developer\./);
        const events = (await fix.fetchHistory()).events ?? [];
        assert.equal(events.some((event) => event.workflowExecutionUpdateAcceptedEventAttributes ?? event.workflowExecutionUpdateAdmittedEventAttributes), false, 'no Update in the fix\'s history');
        assert.deepEqual((await fix.query(sentryFixStatusQuery)).decisions, []);

        const first = await review.say(commandNote(mia, 'approve'));
        assert.match((await review.answered(first))[0] ?? '', /^Approved at the merge gate of `sentry-fix:acme:9001`: waiting for 1 more approval from someone else\.$/);
        const again = await review.say(commandNote(mia, 'approve'));
        assert.match((await review.answered(again))[0] ?? '', /^Not taken by `sentry-fix:acme:9001`: mia approved already: the next approval must come from someone else\.$/);
        const second = await review.say(commandNote(max, 'approve'));
        assert.match((await review.answered(second))[0] ?? '', /: marking the change ready for review\.$/);

        const ended = await fix.result();
        assert.equal(ended.outcome, 'ready');
        assert.deepEqual(ended.decisions.map(({ by }) => by), [
          { name: 'mia', source: 'comment', accessLevel: 'maintain', userId: mia.id, noteUrl: first.noteUrl },
          { name: 'max', source: 'comment', accessLevel: 'maintain', userId: max.id, noteUrl: second.noteUrl },
        ]);
        // Started by a command with no revision: it took the commands and waits for one, reviewing nothing.
        const status = await review.status();
        assert.deepEqual([status.phase, review.world.fetched, status.lastCommand?.result], ['waiting', [], 'approved (sentry-fix:acme:9001)']);
      }, change);
    });
  });
});
