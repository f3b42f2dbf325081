// The scenarios test/replay/record-histories.ts records: each drives one review workflow to its close.
// Like replay-world.ts, only types are imported from modules that did not exist at commit 773b8d3.
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { reviewWorkflow } from '../../src/workflows/review.js';
import { cancelReviewSignal, changeClosedSignal, threadReplySignal, type ReviewStatus, type RunSettings } from '../../src/workflows/definitions.js';
import type { ChangeCommand, ThreadReply } from '../../src/domain/change-command.js';
import type { CommandFakes, Person } from './command-world.js';
import { sha, type World } from './replay-world.js';
import { personLimitScenarios } from './person-limit-scenarios.js';
import { learnScenarios } from './learn-scenarios.js';

export type Handle = WorkflowHandle<typeof reviewWorkflow>;

/** What a scenario can do: push a head SHA (signal-with-start, as the webhook does) and wait on the workflow. */
export interface Drive {
  world: World;
  /** Pushes `headSha`; answers the handle of the run the signal reached. */
  push(headSha: string): Promise<Handle>;
  status(handle: Handle): Promise<ReviewStatus>;
  until(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
  /** Upgrade scenarios only: stops the main worker running the old code and starts one on the current code. */
  upgrade(): Promise<void>;
  /** The current code only: commands in comments, with plain fakes of the command activities. */
  commands?: {
    fakes: CommandFakes;
    /** A new note (or, given its id, a redelivery) by `author`: `review full`, `pause` … */
    note(author: Person, text: string, noteId?: string): ChangeCommand;
    /** Delivers it as the webhook does (signal-with-start). */
    say(command: ChangeCommand): Promise<ChangeCommand>;
    /** A reply without a command in a thread (delivered as a plain `threadReply` signal, as the webhook does). */
    reply(author: Person, threadId: string, body: string, noteId?: string): ThreadReply;
  };
}

export interface Scenario {
  settings?: Partial<RunSettings>;
  /** Begins on the workflow code of commit 773b8d3 and is upgraded mid-flight (needs --old-tree). */
  upgrade?: true;
  /** Drives one workflow to its close; answers the runs to record, by file name (without the -v2 suffix). */
  run(drive: Drive): Promise<Record<string, Handle>>;
}

async function closeAndWait(handle: Handle, reason: 'closed' | 'merged'): Promise<void> {
  await handle.signal(changeClosedSignal, { reason });
  assert.equal((await handle.result()).phase, 'closed');
}

export const scenarios: Record<string, Scenario> = {
  'review-lifecycle': {
    run: async ({ world, push, status, until }) => {
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      world.hang.add(sha(2));
      await push(sha(2));
      await until('sha2 review running', async () => (await status(handle)).reviewingSha === sha(2));
      await handle.signal(cancelReviewSignal, { by: 'oncall', reason: 'model outage' });
      await until('operator cancel done', async () => {
        const now = await status(handle);
        return now.reviewsCancelled === 1 && now.phase === 'waiting';
      });
      await push(sha(3));
      await until('sha3 re-reviewed', async () => (await status(handle)).lastReviewedSha === sha(3));
      await closeAndWait(handle, 'merged');
      assert.deepEqual([world.reviewsStarted, world.reviewsCancelled, world.published], [[sha(1), sha(2), sha(3)], [sha(2)], [sha(1), sha(3)]]);
      return { 'review-lifecycle': handle };
    },
  },
  'review-push-cancels': {
    run: async ({ world, push, status, until }) => {
      world.hang.add(sha(1));
      const handle = await push(sha(1));
      await until('sha1 review running', async () => (await status(handle)).reviewingSha === sha(1));
      await push(sha(2));
      await until('sha2 reviewed', async () => (await status(handle)).lastReviewedSha === sha(2));
      assert.equal((await status(handle)).reviewsCancelled, 1);
      await closeAndWait(handle, 'closed');
      assert.deepEqual([world.reviewsCancelled, world.published], [[sha(1)], [sha(2)]]);
      return { 'review-push-cancels': handle };
    },
  },
  'review-continue-as-new': {
    settings: { reviewsPerRun: 2 },
    run: async ({ world, push, status, until }) => {
      const first = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(first)).reviewsCompleted === 1);
      await push(sha(2));
      await until('first run continued as new', async () => (await first.describe()).status.name === 'CONTINUED_AS_NEW');
      const second = await push(sha(3));
      assert.notEqual((await second.describe()).runId, (await first.describe()).runId);
      await until('sha3 reviewed in the new run', async () => (await status(second)).reviewsCompleted === 3);
      await closeAndWait(second, 'closed');
      assert.deepEqual(world.published, [sha(1), sha(2), sha(3)]);
      return { 'review-continue-as-new-run1': first, 'review-continue-as-new-run2': second };
    },
  },
  'review-failure': {
    run: async ({ world, push, status, until }) => {
      world.unauthorized.add(sha(1));
      const handle = await push(sha(1));
      await until('failure reported', async () => world.failures.length === 1 && (await status(handle)).phase === 'failed');
      assert.match(world.failures[0] ?? '', /ERR_MODEL_UNAUTHORIZED: 401 invalid x-api-key/);
      await push(sha(2));
      await until('sha2 reviewed', async () => (await status(handle)).lastReviewedSha === sha(2));
      await closeAndWait(handle, 'closed');
      assert.deepEqual([world.reviewsStarted, world.published], [[sha(1), sha(2)], [sha(2)]]);
      return { 'review-failure': handle };
    },
  },
  'review-draft-and-reviews-off': {
    run: async ({ world, push, status, until }) => {
      world.draft = true;
      const handle = await push(sha(1));
      await until('draft read and skipped', async () => world.fetched.length === 1 && (await status(handle)).phase === 'waiting');
      world.draft = false;
      world.reviewerEnabled = false;
      await push(sha(2));
      await until('reviews-off note published', async () => world.published.length === 1 && (await status(handle)).phase === 'waiting');
      await closeAndWait(handle, 'closed');
      assert.deepEqual([world.reviewsStarted, world.published, (await status(handle)).lastReviewedSha], [[], [sha(2)], undefined]);
      return { 'review-draft-and-reviews-off': handle };
    },
  },
  // The first-revision-no-debounce patch: the opened change's first revision is reviewed without a quiet period (no
  // timer before its review); the next push waits for one.
  'review-first-revision': {
    run: async ({ world, push, status, until }) => {
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      await push(sha(2));
      await until('sha2 reviewed after the quiet period', async () => (await status(handle)).lastReviewedSha === sha(2));
      await closeAndWait(handle, 'merged');
      assert.deepEqual([world.reviewsStarted, world.published], [[sha(1), sha(2)], [sha(1), sha(2)]]);
      const { events } = await handle.fetchHistory();
      const timers = events?.flatMap((event, index) => (event.timerStartedEventAttributes ? [index] : [])) ?? [];
      const firstReview = events?.findIndex((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'runAgent') ?? -1;
      assert.ok(timers.length === 1 && firstReview >= 0 && timers[0]! > firstReview, 'one quiet period, after the first review');
      return { 'review-first-revision': handle };
    },
  },
  // A workflow started by the old code: sha1 reviewed and sha2's review running when the main worker is replaced by
  // one on the current code, which replays the old part, cancels sha2 on the next push and reviews sha3 the new way.
  'review-upgrade-mid-flight': {
    upgrade: true,
    run: async ({ world, push, status, until, upgrade }) => {
      const handle = await push(sha(1));
      await until('sha1 reviewed by the old code', async () => (await status(handle)).lastReviewedSha === sha(1));
      world.hang.add(sha(2));
      await push(sha(2));
      await until('sha2 review running', async () => (await status(handle)).reviewingSha === sha(2));
      await upgrade();
      assert.equal((await status(handle)).reviewingSha, sha(2), 'the current code replayed the old part of the history');
      await push(sha(3));
      await until('sha3 reviewed by the current code', async () => (await status(handle)).lastReviewedSha === sha(3));
      await closeAndWait(handle, 'merged');
      assert.deepEqual([world.reviewsStarted, world.reviewsCancelled, world.published], [[sha(1), sha(2), sha(3)], [sha(2)], [sha(1), sha(3)]]);
      const steps = world.calls.filter((call) => call !== 'fetchChange');
      assert.deepEqual(steps, ['runReviewAgent', 'publishReview', 'runReviewAgent', 'readRunSettings', 'runAgent', 'publishStoredReview']);
      return { 'review-upgrade-mid-flight': handle };
    },
  },
  // Commands (change-commands patch): help (delivered twice, taken once), pause → a push remembered → a refused and
  // an accepted resume → the newest reviewed; review full; approve refused, then forwarded; explain not available.
  'review-commands': {
    run: async ({ world, push, status, until, commands }) => {
      assert.ok(commands, 'the commands scenario needs the current code');
      const { fakes, note, say } = commands;
      const [dev, mia, gus] = [{ id: 30, username: 'dev' }, { id: 40, username: 'mia' }, { id: 10, username: 'gus' }];
      fakes.access.set(dev.id, 'write').set(mia.id, 'maintain').set(gus.id, 'read');
      const answered = (command: ChangeCommand) => until(`${command.command.verb} answered`, () => fakes.answersTo(command.noteId).length > 0);
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      const help = note(gus, 'help');
      await say(help);
      await say(note(gus, 'help', help.noteId));
      await answered(help);
      await answered(await say(note(dev, 'pause')));
      await push(sha(2));
      await until('sha2 remembered', async () => (await status(handle)).latestSha === sha(2));
      await answered(await say(note(gus, 'resume')));
      assert.deepEqual(world.reviewsStarted, [sha(1)], 'paused: sha2 not reviewed');
      await answered(await say(note(dev, 'resume')));
      await until('sha2 reviewed', async () => (await status(handle)).lastReviewedSha === sha(2));
      await answered(await say(note(dev, 'review full')));
      await answered(await say(note(dev, 'approve')));
      await answered(await say(note(mia, 'approve')));
      await answered(await say(note(dev, 'explain a.ts:1')));
      await closeAndWait(handle, 'merged');
      assert.deepEqual([world.reviewsStarted, fakes.answersTo(help.noteId).length, fakes.decisions.map((d) => d.by.name)], [[sha(1), sha(2), sha(2)], 1, ['mia']]);
      const kinds = fakes.answers.map(({ answer }) => (answer.kind === 'refused' ? `refused:${answer.needed}` : answer.kind));
      assert.deepEqual(kinds, ['help', 'paused', 'refused:write', 'resumed', 'review-done', 'refused:maintain', 'decision', 'not-available']);
      return { 'review-commands': handle };
    },
  },
  // The answerer (answerer patch): explain answered, explain with nothing to explain, a reply in a person's own
  // thread left alone, a reader's reply refused, a "won't fix" reply recorded → the next review is told not to raise
  // that finding again → merged.
  'review-answers': {
    run: async ({ world, push, status, until, commands }) => {
      assert.ok(commands, 'the answers scenario needs the current code');
      const { fakes, note, say, reply } = commands;
      const [dev, gus] = [{ id: 30, username: 'dev' }, { id: 10, username: 'gus' }];
      fakes.access.set(dev.id, 'write').set(gus.id, 'read');
      fakes.findingThreads.set('finding-thread', { fingerprint: 'abcd1234', title: 'Unchecked null' });
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      const explain = await say(note(dev, 'explain a.ts:1'));
      await until('explain answered', () => fakes.posted.includes(explain.noteId));
      const vague = await say(note(dev, 'explain'));
      await until('vague explain answered', () => fakes.answersTo(vague.noteId).length > 0);
      const theirs = reply(dev, 'their-thread', 'a note between people');
      await handle.signal(threadReplySignal, theirs);
      const refused = reply(gus, 'finding-thread', 'why?');
      await handle.signal(threadReplySignal, refused);
      await until('the reader refused', () => fakes.answersTo(refused.noteId).length > 0);
      const wontFix = reply(dev, 'finding-thread', "won't fix: by design");
      fakes.dispositions.set(wontFix.noteId, 'wont-fix');
      await handle.signal(threadReplySignal, wontFix);
      await until('the feedback recorded', async () => (await status(handle)).findingFeedback?.[0]?.disposition === 'wont-fix');
      await push(sha(2));
      await until('sha2 reviewed', async () => (await status(handle)).lastReviewedSha === sha(2));
      await closeAndWait(handle, 'merged');
      assert.deepEqual(world.resolvedSeen, [[], ['abcd1234']], 'the second review is told not to raise the dismissed finding');
      assert.deepEqual(fakes.posted, [explain.noteId, wontFix.noteId]);
      assert.equal(fakes.acknowledged.includes(theirs.noteId), false, "a person's own thread: not even a reaction");
      const kinds = fakes.answers.map(({ answer }) => (answer.kind === 'refused' ? `refused:${answer.needed}` : answer.kind));
      assert.deepEqual(kinds, ['unclear', 'refused:write']);
      return { 'review-answers': handle };
    },
  },
  'review-finding-outcomes': {
    run: async ({ world, push, status, until, commands }) => {
      assert.ok(commands, 'the outcomes scenario needs the current code');
      const { fakes, reply } = commands;
      const dev = { id: 30, username: 'dev' };
      fakes.access.set(dev.id, 'write');
      fakes.findingThreads.set('finding-thread', { fingerprint: 'abcd1234', title: 'Unchecked null' });
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      const falsePositive = reply(dev, 'finding-thread', 'false positive: the caller checks it first');
      fakes.dispositions.set(falsePositive.noteId, 'false-positive');
      await handle.signal(threadReplySignal, falsePositive);
      await until('the feedback recorded', async () => (await status(handle)).findingFeedback?.[0]?.disposition === 'false-positive');
      await closeAndWait(handle, 'merged');
      assert.equal(world.calls.at(-1), 'recordFindingOutcomes', 'the outcomes are recorded last, once');
      assert.deepEqual(world.outcomesAsked.map((input) => (input as { reason: string; feedback: Array<{ fingerprint: string; disposition: string }> })).map(({ reason, feedback }) => [reason, feedback.map((word) => `${word.fingerprint}:${word.disposition}`)]), [['merged', ['abcd1234:false-positive']]]);
      return { 'review-finding-outcomes': handle };
    },
  },
  ...personLimitScenarios,
  ...learnScenarios,
};
