// `/claude revise <what>` on a ticket's change, on a real Temporal dev server: the review workflow takes the note
// (the real command activities on a forge in memory), checks its author's access, forwards it to the ticket workflow
// that owns the change (visibility, the `reviseChange` Update), and the ticket workflow (test/replay/ticket-world.ts
// fakes) runs a second implementation on the branch and answers in the same thread. The pure parts first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createCommandActivities } from '../src/activities/command-activities.js';
import { ownerQuery } from '../src/activities/commands/forward-decision.js';
import { forwardRevision } from '../src/activities/commands/forward-revision.js';
import { renderCommandAnswer } from '../src/activities/commands/command-answer.js';
import type { ChangeCommand } from '../src/domain/change-command.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import { parseCommand } from '../src/domain/command-parser.js';
import { revisionRequest } from '../src/domain/revision-request.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { changeCommandSignal } from '../src/workflows/definitions.js';
import { decideUpdate, type GateDecision } from '../src/workflows/sentry-fix-definitions.js';
import { ticketStatusQuery } from '../src/workflows/ticket-definitions.js';
import { startTemporal, unique } from './helpers/temporal.js';
import { commandNote, MemoryForge, type Person } from './replay/command-world.js';
import { memoryClaimStore } from './replay/generic-activities.js';
import { World } from './replay/replay-world.js';
import { sha, TicketWorld, until, withTicket, type TicketHandle } from './replay/ticket-world.js';

const dev: Person = { id: 30, username: 'dev' };
const gus: Person = { id: 10, username: 'gus' };
const gitlab: ChangeRef = { forge: 'gitlab', projectId: 9, projectPath: 'group/app', number: 3 };

describe('/claude revise: parsing and wording', () => {
  test('parsed with its text; a diff note carries its file and lines; no text → none', () => {
    assert.deepEqual(parseCommand('/claude revise rename the button\nthanks'), { verb: 'revise', argument: 'rename the button' });
    assert.deepEqual(parseCommand('/claude Revise: use a Map here'), { verb: 'revise', argument: 'use a Map here' });
    assert.deepEqual(parseCommand('> /claude revise quoted\n`/claude revise` inline'), undefined);
    assert.deepEqual(parseCommand('/claude revise'), { verb: 'revise', argument: '' });
    const on = (place: ChangeCommand['place'], text: string) => revisionRequest({ command: { verb: 'revise', argument: text }, place });
    assert.equal(on({ kind: 'change' }, '  rename it  '), 'rename it');
    assert.equal(on({ kind: 'diff', path: 'src/x.ts', startLine: 10, line: 14 }, 'use a Map'), 'in src/x.ts lines 10–14: use a Map');
    assert.equal(on({ kind: 'diff', path: 'src/x.ts', line: 7 }, 'use a Map'), 'in src/x.ts line 7: use a Map');
    assert.equal(on({ kind: 'diff', path: 'src/x.ts' }, 'use a Map'), 'in src/x.ts: use a Map');
    assert.equal(on({ kind: 'change' }, '   '), undefined);
    assert.equal(revisionRequest({ command: { verb: 'suggest', argument: 'x' }, place: { kind: 'change' } }), undefined);
  });

  test('every answer is safe: a refusal reason with a mention, a link and a quick action stays inert', () => {
    const context = { ref: gitlab, trigger: '/claude', approveAccess: 'maintain' as const, verb: 'revise' };
    const refused = renderCommandAnswer({ kind: 'revision', result: { kind: 'refused', workflowId: 'ticket:jira:P-1', reason: '@all see [x](http://evil.test)\n/merge' } }, context);
    assert.doesNotMatch(refused, /(^|[^`\\])@all|\]\(http|^\/merge/m);
    assert.match(renderCommandAnswer({ kind: 'revision', result: { kind: 'no-owner' } }, context), /^Nothing to revise: forgebot did not write this merge request\./);
    assert.match(renderCommandAnswer({ kind: 'revision', result: { kind: 'taken', workflowId: 'ticket:jira:P-1', waiting: 1, revisionsLeft: 2 } }, context), /^Revising: a new commit will follow on this merge request; I'll reply here/);
    assert.match(renderCommandAnswer({ kind: 'revision-pushed', sha: `${sha(5)}\`@x` }, context), /^Revised: commit `aaaaaaaaaaaa`/);
    assert.match(renderCommandAnswer({ kind: 'unclear', verb: 'revise', reason: 'a revision says what to change.' }, context), /Say what to change/);
  });
});

/** The ticket world whose main worker also hosts the real command activities (the review workflow's), on `forge`. */
class CommandingTicketWorld extends TicketWorld {
  commands: ReturnType<typeof createCommandActivities> | undefined;
  override main() {
    const commands = this.commands;
    if (!commands) throw new Error('the command activities are not set');
    // The real answerCommand replaces the world's fake one: answers land in the forge's threads.
    return { ...super.main(), ...commands };
  }
}

describe('/claude revise on real Temporal', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => env?.teardown());

  function newWorld(): { world: CommandingTicketWorld; forge: MemoryForge; ref: ChangeRef } {
    const world = new CommandingTicketWorld(TicketWorld.mapping(`group/${unique('revise')}`), { key: `REV-${unique('k').replace(/\D/g, '').slice(-6)}`, agentTaskQueue: unique('ticket-revise') });
    const ref: ChangeRef = { forge: 'gitlab', projectId: world.mapping.projectId, projectPath: world.mapping.projectPath, number: 7 };
    const forge = new MemoryForge(new World(ref));
    forge.access.set(dev.id, 'write');
    forge.access.set(gus.id, 'read');
    world.commands = createCommandActivities({ forges: { gitlab: forge.forge() }, client: env.client, claims: memoryClaimStore(), trigger: '/claude' });
    return { world, forge, ref };
  }

  /** Delivers a note as the webhook does: signal-with-start of the change's review workflow, on the ticket's main queue. */
  async function say(world: TicketWorld, ref: ChangeRef, command: ChangeCommand): Promise<void> {
    await env.client.workflow.signalWithStart('reviewWorkflow', {
      workflowId: reviewWorkflowId(ref),
      taskQueue: `${world.runSettings.agentTaskQueue}-main`,
      args: [{ ref }],
      signal: changeCommandSignal,
      signalArgs: [command],
    });
  }
  const answered = (forge: MemoryForge, note: ChangeCommand, count: number) => until(`${count} answer(s) to ${note.noteId}`, () => forge.answersTo(note.noteId).length >= count).then(() => forge.answersTo(note.noteId));
  const atGate = (handle: TicketHandle, gate: GateDecision['gate']) => until(`the ${gate} gate`, async () => (await handle.query(ticketStatusQuery)).openGate?.gate === gate);
  const ui = (gate: GateDecision['gate']): GateDecision => ({ gate, decision: 'approve', by: { name: 'olivia', source: 'ui' } });

  test('a developer’s revise on a diff note → a second implementation on the branch; the thread answered twice; a reader refused; the plan gate refuses', async () => {
    const { world, forge, ref } = newWorld();
    await withTicket(env, world, async (handle) => {
      await atGate(handle, 'plan');
      await until('the change is found by its owner search attribute', async () => {
        for await (const found of env.client.workflow.list({ query: ownerQuery(ref) })) return found.workflowId === handle.workflowId;
        return false;
      });
      // While the plan waits for approval the change takes no revision: the Update's validator says so.
      const early = commandNote(dev, 'revise too early');
      await say(world, ref, early);
      assert.match((await answered(forge, early, 1))[0] ?? '', /^Not revised by `ticket:jira:REV-\d+`: the change takes no revision now \(the workflow is awaiting-plan-approval\)\./);
      await handle.executeUpdate(decideUpdate, { args: [ui('plan')] });
      await atGate(handle, 'merge');

      const reader = commandNote(gus, 'revise delete the tests');
      await say(world, ref, reader);
      assert.match((await answered(forge, reader, 1))[0] ?? '', /needs Developer or more on `group\/revise.*`; you have Guest\. Nothing was done\./);

      const note: ChangeCommand = { ...commandNote(dev, 'revise name the button "Download CSV"'), noteKind: 'note', place: { kind: 'diff', path: 'src/report/export.ts', startLine: 10, line: 14 } };
      await say(world, ref, note);
      const [accepted, pushed] = await answered(forge, note, 2);
      assert.match(accepted ?? '', /^Revising: a new commit will follow on this merge request; I'll reply here\./);
      assert.match(pushed ?? '', new RegExp(`^Revised: commit \`${sha(102).slice(0, 12)}\` is on this merge request's branch\\.`));
      assert.equal(world.commits.length, 2);
      const revision = world.modelCalls.filter((call) => call.role === 'implementer')[1];
      assert.equal(revision?.repository.headSha, sha(101), 'the revision works on the first commit');
      assert.match(revision?.goal.context ?? '', /in src\/report\/export\.ts lines 10–14: name the button "Download CSV"/);
      const during = await handle.query(ticketStatusQuery);
      assert.deepEqual(during.forgeRevisions?.map(({ by, accessLevel, result }) => [by, accessLevel, result]), [['dev', 'write', `pushed ${sha(102).slice(0, 12)}`]]);

      // The same note again (a retried activity): the Update's id gives the first answer, not a second revision.
      const again = await forwardRevision(env.client, ref, { ref, command: note, request: 'x', accessLevel: 'write' }, `revise:gitlab:note:${note.noteId}`);
      assert.equal(again.kind, 'taken');
      await atGate(handle, 'merge');
      await handle.executeUpdate(decideUpdate, { args: [ui('merge')] });
      assert.equal((await handle.result()).outcome, 'ready');
    });
    assert.equal(world.commits.length, 2, 'no third commit from the repeated Update');
    assert.deepEqual(world.notes.map(({ note }) => note.kind), ['plan', 'implemented', 'implemented', 'ended']);
    await env.client.workflow.getHandle(reviewWorkflowId(ref)).terminate('test over');
  });

  test('a revise on a change no ticket workflow owns → "nothing to revise"; a revise without text → how to ask', async () => {
    const { world, forge } = newWorld();
    const ref: ChangeRef = { forge: 'gitlab', projectId: world.mapping.projectId, projectPath: world.mapping.projectPath, number: 99 };
    await withTicket(env, world, async (handle) => {
      const stray = commandNote(dev, 'revise rename it');
      await say(world, ref, stray);
      assert.match((await answered(forge, stray, 1))[0] ?? '', /^Nothing to revise: forgebot did not write this merge request\./);
      const empty = commandNote(dev, 'revise');
      await say(world, ref, empty);
      assert.match((await answered(forge, empty, 1))[0] ?? '', /^`\/claude revise`: a revision says what to change\. Say what to change/);
      await handle.terminate('test over');
    });
    await env.client.workflow.getHandle(reviewWorkflowId(ref)).terminate('test over');
  });
});
