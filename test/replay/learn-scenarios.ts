// The scenario of the learn-command patch, recorded by record-histories.ts (registered in scenarios.ts).
// Kept in a file of its own, as person-limit-scenarios.ts is: other scenarios are being added to scenarios.ts.
import assert from 'node:assert/strict';
import { changeClosedSignal } from '../../src/workflows/definitions.js';
import type { ChangeCommand } from '../../src/domain/change-command.js';
import type { Scenario } from './scenarios.js';
import { sha } from './replay-world.js';

export const learnScenarios: Record<string, Scenario> = {
  // `/claude learn` (learn-command): dev proposes a learning; dev's accept is refused (it needs maintain) and never
  // reaches the activity; mia accepts it; dev lists the learnings → merged.
  'review-learn-command': {
    run: async ({ push, status, until, commands }) => {
      assert.ok(commands, 'the learn scenario needs the current code');
      const { fakes, note, say } = commands;
      const [dev, mia] = [{ id: 30, username: 'dev' }, { id: 40, username: 'mia' }];
      fakes.access.set(dev.id, 'write').set(mia.id, 'maintain');
      const answered = (command: ChangeCommand) => until(`${command.command.argument} ${command.noteId} answered`, () => fakes.answersTo(command.noteId).length > 0);
      const handle = await push(sha(1));
      await until('sha1 reviewed', async () => (await status(handle)).lastReviewedSha === sha(1));
      const proposed = await say(note(dev, 'learn we log raw SQL in dev on purpose'));
      await answered(proposed);
      const id = `l-${proposed.noteId}`;
      await answered(await say(note(dev, `learn accept ${id}`)));
      await answered(await say(note(mia, `learn accept ${id}`)));
      await answered(await say(note(dev, 'learn list')));
      await handle.signal(changeClosedSignal, { reason: 'merged' });
      assert.equal((await handle.result()).phase, 'closed');
      const kinds = fakes.answers.map(({ answer }) => (answer.kind === 'learning' ? `learning:${answer.outcome.kind}` : answer.kind === 'refused' ? `refused:${answer.needed}` : answer.kind));
      assert.deepEqual(kinds, ['learning:added', 'refused:maintain', 'learning:accepted', 'learning:listed']);
      assert.equal(fakes.learned.length, 3, 'the refused accept never reached the activity');
      return { 'review-learn-command': handle };
    },
  },
};
