// The scenario of the person-limits-across-changes patch, recorded by record-histories.ts (registered in scenarios.ts).
// Kept in a file of its own: other scenarios are being added to scenarios.ts at the same time.
import assert from 'node:assert/strict';
import { changeClosedSignal } from '../../src/workflows/definitions.js';
import type { ChangeCommand } from '../../src/domain/change-command.js';
import type { Scenario } from './scenarios.js';
import { sha } from './replay-world.js';

export const personLimitScenarios: Record<string, Scenario> = {
  // The budget across changes (person-limits-across-changes): dev's explain is answered; their next explain and a
  // `review full` find dev's budget spent (on other changes: the fakes say so) and are refused, with no agent job;
  // mia's `review full` runs; an explain with no lines is not claimed at all (unclear) → merged.
  'review-person-limits': {
    run: async ({ world, push, status, until, commands }) => {
      assert.ok(commands, 'the person-limits scenario needs the current code');
      const { fakes, note, say } = commands;
      const [dev, mia] = [{ id: 30, username: 'dev' }, { id: 40, username: 'mia' }];
      fakes.access.set(dev.id, 'write').set(mia.id, 'write');
      const answered = (command: ChangeCommand) => until(`${command.command.verb} ${command.noteId} answered`, () => fakes.answersTo(command.noteId).length > 0 || fakes.posted.includes(command.noteId));
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      const explained = await say(note(dev, 'explain a.ts:1'));
      await answered(explained);
      const overAnswers = note(dev, 'explain a.ts:2');
      const overReviews = note(dev, 'review full');
      fakes.budgetRefused.add(overAnswers.noteId).add(overReviews.noteId);
      await answered(await say(overAnswers));
      await answered(await say(overReviews));
      const miaReview = await say(note(mia, 'review full'));
      await answered(miaReview);
      await answered(await say(note(dev, 'explain')));
      await handle.signal(changeClosedSignal, { reason: 'merged' });
      assert.equal((await handle.result()).phase, 'closed');
      assert.deepEqual(fakes.posted, [explained.noteId], 'one answer ran');
      assert.deepEqual(world.reviewsStarted, [sha(1), sha(1)], "the push's review and mia's");
      assert.deepEqual(fakes.budgetClaims, [explained.noteId, overAnswers.noteId, overReviews.noteId, miaReview.noteId]);
      const kinds = fakes.answers.map(({ answer }) => (answer.kind === 'rate-limited' ? `rate-limited:${answer.what ?? 'reviews'}${answer.acrossChanges ? ':across' : ''}` : answer.kind));
      assert.deepEqual(kinds, ['rate-limited:answers:across', 'rate-limited:reviews:across', 'review-done', 'unclear']);
      return { 'review-person-limits': handle };
    },
  },
};
