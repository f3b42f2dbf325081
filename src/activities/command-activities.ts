import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AccessLevel } from '../domain/access-level.js';
import type { FeedbackDisposition } from '../domain/agent-task.js';
import { verbOf, type ChangeCommand, type Noted, type ThreadReply } from '../domain/change-command.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import type { ReviewMemoryStore } from '../audit/memory/review-memory-store.js';
import type { AgentAssignment } from './agent-activities.js';
import { repositoryOf, type ChangeRef } from '../domain/change-ref.js';
import { DEFAULT_COMMAND_TRIGGER } from '../domain/command-parser.js';
import { commandLabel } from '../domain/learn-command.js';
import type { ReviewRequest } from '../domain/review-request.js';
import type { GateDecision } from '../workflows/sentry-fix-definitions.js';
import type { ClaimCheckStore } from './claim-check/claim-check-store.js';
import { answerInThread } from './commands/answer-in-thread.js';
import { commandAccess, type CommandAccess } from './commands/command-access.js';
import type { CommandBudget, CommandBudgetClaim, CommandBudgetVerdict } from './commands/command-budget.js';
import { renderCommandAnswer, type CommandAnswer, type DecisionForwarded } from './commands/command-answer.js';
import { learnFromCommand, type LearnOutcome } from './commands/learn-from-command.js';
import { forwardDecision } from './commands/forward-decision.js';
import { forwardRevision } from './commands/forward-revision.js';
import type { RevisionForwarded } from './commands/command-answer.js';
import type { ChangeRevision } from '../workflows/ticket-definitions.js';
import { postAnswer } from './commands/post-answer.js';
import { prepareAnswer } from './commands/prepare-answer.js';
import { withTypedFailures } from './failures.js';
import { countRateLimited } from '../workers/metrics/command-metrics.js';
import type { Conversation, Forge, People, RepositoryReader } from './forge.js';
import type { ForgeRegistry } from './forge-activities.js';

export type { CommandAccess } from './commands/command-access.js';
export type { CommandBudgetClaim, CommandBudgetVerdict } from './commands/command-budget.js';
export type { CommandAnswer, DecisionForwarded, ReviewNowOutcome, RevisionForwarded } from './commands/command-answer.js';
export type { LearnOutcome } from './commands/learn-from-command.js';

/** A decision from a comment: the gate is the one the owning workflow waits at (forwardDecision asks it). */
export type CommentDecision = Omit<GateDecision, 'gate' | 'planVersion'>;

export { verbOf, type Noted } from '../domain/change-command.js';

/** What the answerer is asked for: explain or suggest (a command), or a reply in a finding thread. */
export type AnswerAsk = { kind: 'command'; command: ChangeCommand } | { kind: 'reply'; reply: ThreadReply };

/** What prepareAnswer found. */
export type AnswerPreparation =
  | {
      kind: 'ready';
      assignment: Extract<AgentAssignment, { role: 'answerer' }>;
      /** A reply's finding (forgebot's own record of it). */
      finding?: { fingerprint: string; title: string };
    }
  /** A reply in a thread that is not one of forgebot's findings: left alone, silently (no reaction, no answer). */
  | { kind: 'not-ours' }
  /** The command does not say what to answer (explain with no lines to explain): answered with how to ask. */
  | { kind: 'unclear'; reason: string };

/** What the review workflow does with a person's command (src/workflows/review/command-desk.ts). */
export interface CommandActivities {
  /** An 👀 reaction on the note, at once: forgebot saw it. */
  acknowledgeCommand(ref: ChangeRef, command: Noted): Promise<void>;
  /** The author's access now, through the forge's API, and whether it is enough for the verb. */
  checkCommandAccess(ref: ChangeRef, command: Noted): Promise<CommandAccess>;
  /** The answer in the command's thread (or a note), worded and made safe here. */
  answerCommand(ref: ChangeRef, command: Noted, answer: CommandAnswer): Promise<{ id: string }>;
  /**
   * The answerer's assignment for an ask: the change's head checked out, the lines to explain (a diff note's, or
   * `path:line[-line]` in the argument), or (a reply) forgebot's finding and the thread so far, stored behind a claim.
   */
  prepareAnswer(ref: ChangeRef, ask: AnswerAsk): Promise<AnswerPreparation>;
  /**
   * Posts the answerer's stored answer in the ask's thread, rendered safe: a suggestion as a one-click suggestion only
   * where it applies (the note's own lines, the head unchanged), else as a patch. Returns what a reply said of its finding.
   */
  postAnswer(ref: ChangeRef, ask: AnswerAsk, answer: ClaimRef): Promise<{ id: string; disposition?: FeedbackDisposition }>;
  /** The `decide` Update to the workflow that owns the change; its outcome or its validator's refusal. */
  forwardDecision(ref: ChangeRef, decision: CommentDecision, noteId: string): Promise<DecisionForwarded>;
  /** `/claude revise`: the `reviseChange` Update to the ticket workflow that owns the change; taken, refused, or no owner. */
  forwardRevision(ref: ChangeRef, revision: ChangeRevision): Promise<RevisionForwarded>;
  /**
   * `/claude learn …` (its author's access, as checkCommandAccess read it, already enough for the action): a learning
   * for the change's repository (accepted at once for an author with the gates' access, else proposed), a decision on
   * one, or the list. Says so when forgebot keeps no review memory. Idempotent: a retry adds nothing twice.
   */
  learnFromCommand(ref: ChangeRef, command: ChangeCommand, accessLevel: AccessLevel): Promise<LearnOutcome>;
  /** A review request from the change as the forge has it now (a command before any revision reached the workflow). */
  describeChangeForReview(ref: ChangeRef): Promise<ReviewRequest>;
  /**
   * Counts a token-costing command against its author's hourly budget across every change of the forge (Redis), or
   * says the budget is spent. Idempotent per command; allowed unchecked when Redis cannot be asked (fail open).
   */
  claimCommandBudget(claim: CommandBudgetClaim): Promise<CommandBudgetVerdict>;
}

type CommandForge = Forge & Pick<Conversation, 'replyInThread' | 'addReaction'> & People & Pick<RepositoryReader, 'postNote'>;

/** The reaction that says "seen" (GitLab's and GitHub's name for 👀). */
export const ACKNOWLEDGE_EMOJI = 'eyes';

export function createCommandActivities(deps: {
  forges: ForgeRegistry;
  /** Finds the workflow that owns a change (visibility) and sends it the Update. */
  client: Pick<Client, 'workflow' | 'connection'>;
  /** Where the answerer's questions are kept and its answers read back (the agent worker's store: the same one). */
  claims: ClaimCheckStore;
  /** COMMAND_TRIGGER (default `/claude`): how answers name the commands. */
  trigger?: string;
  /** COMMAND_APPROVE_ACCESS: the access approve/reject need (default `maintain`). */
  approveAccess?: AccessLevel;
  /** The per-person budgets across changes (absent: none, only each workflow's own limits). */
  budget?: CommandBudget;
  /** Review memory, where `/claude learn` keeps learnings (absent: no audit database, learnings are not enabled). */
  memory?: ReviewMemoryStore;
}): CommandActivities {
  const trigger = deps.trigger ?? DEFAULT_COMMAND_TRIGGER;
  const approveAccess = deps.approveAccess ?? 'maintain';

  function forgeFor(ref: ChangeRef): CommandForge {
    const forge = deps.forges[ref.forge];
    if (!forge) throw ApplicationFailure.create({ type: 'ERR_UNKNOWN_FORGE', message: `no ${ref.forge} connection is configured`, nonRetryable: true });
    const { replyInThread, addReaction, accessLevel, postNote } = forge;
    if (!replyInThread || !addReaction || !accessLevel || !postNote) {
      throw ApplicationFailure.create({ type: 'ERR_FORGE_UNSUPPORTED', message: `the ${ref.forge} connection cannot talk in threads`, nonRetryable: true });
    }
    return forge as CommandForge;
  }

  return {
    async acknowledgeCommand(ref, command) {
      await withTypedFailures(() =>
        forgeFor(ref).addReaction(ref, { noteId: command.noteId, ...(command.threadId ? { threadId: command.threadId } : {}), kind: command.noteKind === 'review-comment' ? 'review-comment' : 'note' }, ACKNOWLEDGE_EMOJI),
      );
    },

    async checkCommandAccess(ref, command) {
      return withTypedFailures(async () => {
        const level = await forgeFor(ref).accessLevel(repositoryOf(ref), { id: command.author.id, login: command.author.username });
        return commandAccess(command, level, approveAccess);
      });
    },

    async answerCommand(ref, command, answer) {
      return withTypedFailures(async () => {
        const body = renderCommandAnswer(answer, { ref, trigger, approveAccess, verb: 'command' in command ? commandLabel(command.command) : verbOf(command) });
        const posted = await answerInThread(forgeFor(ref), ref, command, body);
        // Counted once said in the thread (a retry after a lost reply may count it twice: rare, and on the safe side).
        if (answer.kind === 'rate-limited') countRateLimited(answer.scope, answer.what ?? 'reviews');
        return posted;
      });
    },

    async claimCommandBudget(claim) {
      if (!deps.budget) return { allowed: true };
      return deps.budget.claim(claim);
    },

    async forwardDecision(ref, decision, noteId) {
      return forwardDecision(deps.client, ref, decision, `comment:${ref.forge}:${noteId}`);
    },

    async forwardRevision(ref, revision) {
      return forwardRevision(deps.client, ref, revision, `revise:${ref.forge}:${revision.command.noteKind}:${revision.command.noteId}`);
    },

    async prepareAnswer(ref, ask) {
      return withTypedFailures(() => prepareAnswer(forgeFor(ref), deps.claims, ref, ask));
    },

    async postAnswer(ref, ask, claim) {
      return withTypedFailures(() => postAnswer(forgeFor(ref), deps.claims, ref, ask, claim));
    },

    async learnFromCommand(ref, command, accessLevel) {
      return withTypedFailures(() => learnFromCommand({ memory: deps.memory, ref, command, accessLevel, approveAccess }));
    },

    async describeChangeForReview(ref) {
      return withTypedFailures(async () => {
        const snapshot = await forgeFor(ref).getChange(ref);
        // The snapshot has no author, source branch or link: the reviewer's brief says so rather than guessing.
        return { ref, headSha: snapshot.headSha, title: snapshot.title, author: 'unknown', sourceBranch: 'unknown', targetBranch: snapshot.targetBranch, webUrl: '', draft: snapshot.draft };
      });
    },
  };
}
