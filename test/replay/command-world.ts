// The world commands run in: a forge in memory for the real command activities (test/change-commands-workflow.test.ts),
// and plain fakes of the command activities for the replay recordings (record-histories.ts). Both record what the
// workflow did with each note: its reaction and its answers.
import type { CommandActivities, CommandAnswer, CommentDecision } from '../../src/activities/command-activities.js';
import type { Forge } from '../../src/activities/forge.js';
import type { LearningView } from '../../src/activities/commands/learn-from-command.js';
import type { AccessLevel } from '../../src/domain/access-level.js';
import type { FeedbackDisposition } from '../../src/domain/agent-task.js';
import { verbOf, type ChangeCommand, type ThreadReply } from '../../src/domain/change-command.js';
import type { World } from './replay-world.js';
import { sha } from './replay-world.js';

export interface Person {
  id: number;
  username: string;
}

let notes = 0;
/** A command as the webhook hands it over; the note id is new unless given (a redelivery gives the same one). */
export function commandNote(author: Person, text: string, noteId = `n${++notes}`): ChangeCommand {
  const [verb = 'help', ...rest] = text.split(' ');
  return {
    command: { verb: verb as ChangeCommand['command']['verb'], argument: rest.join(' ') },
    noteId,
    noteKind: 'note',
    threadId: `thread-${noteId}`,
    place: { kind: 'change' },
    author,
    noteUrl: `http://forge.test/group/app/-/merge_requests/7#note_${noteId}`,
  };
}

/** A reply without a command in thread `threadId` (a GitLab discussion on a.ts). */
export function threadReply(author: Person, threadId: string, body: string, noteId = `n${++notes}`): ThreadReply {
  return { noteId, noteKind: 'note', threadId, place: { kind: 'diff', path: 'a.ts', line: 1 }, author, body, noteUrl: `http://forge.test/group/app/-/merge_requests/7#note_${noteId}` };
}

/** The note a thread id answers (threads are `thread-<note id>`, as commandNote makes them). */
const noteOf = (threadId: string) => threadId.replace(/^thread-/, '');

/**
 * A GitLab forge in memory for the command activities: access levels by user id, reactions and replies by note, the
 * change read from the review world (its head and draft flag). What the review publisher would do is not needed.
 */
export class MemoryForge {
  access = new Map<number, AccessLevel>();
  reactions: Array<{ noteId: string; emoji: string }> = [];
  /** Answers by note id, in order (a plain note is under `note`). */
  answers = new Map<string, string[]>();

  constructor(private readonly world: World) {}

  answersTo(noteId: string): string[] {
    return this.answers.get(noteId) ?? [];
  }

  forge(): Forge {
    const world = this.world;
    const unused = async (): Promise<never> => {
      throw new Error('not part of the command world');
    };
    const answer = (noteId: string, body: string) => {
      this.answers.set(noteId, [...this.answersTo(noteId), body]);
      return { id: `a${this.answers.size}` };
    };
    return {
      getChange: async (ref) => ({ ref, title: 'Add feature', description: '', state: 'opened', draft: world.draft, baseSha: sha(0), startSha: sha(0), headSha: world.head, targetBranch: 'main', cloneUrl: 'file:///nowhere', files: [] }),
      upsertSummary: unused,
      postedFindingFingerprints: unused,
      postInlineComment: unused,
      accessLevel: async (_repo, user) => (user.id === undefined ? 'none' : (this.access.get(user.id) ?? 'none')),
      addReaction: async (_ref, target, emoji) => {
        if (!this.reactions.some((r) => r.noteId === target.noteId && r.emoji === emoji)) this.reactions.push({ noteId: target.noteId, emoji });
      },
      replyInThread: async (_ref, threadId, body) => answer(noteOf(threadId), body),
      postNote: async (_ref, body) => answer('note', body),
    };
  }
}

/** Plain fakes of the command activities (recordings): access by user id, answers kept as the workflow sent them. */
export class CommandFakes {
  access = new Map<number, AccessLevel>();
  acknowledged: string[] = [];
  answers: Array<{ noteId: string; answer: CommandAnswer }> = [];
  decisions: CommentDecision[] = [];
  /** forgebot's finding threads, by thread id: a reply elsewhere is not forgebot's business. */
  findingThreads = new Map<string, { fingerprint: string; title: string }>();
  /** What the answerer reads from a reply, by note id (none: no disposition). */
  dispositions = new Map<string, FeedbackDisposition>();
  /** Notes the answerer's answer was posted to, in order. */
  posted: string[] = [];
  /** Commands (note ids) whose author's budget across changes is spent; `budgetClaims`: every claim, in order. */
  budgetRefused = new Set<string>();
  budgetClaims: string[] = [];
  /** `/claude learn` commands taken (note ids), in order; the learnings they added, by id. */
  learned: string[] = [];
  learnings = new Map<string, LearningView>();

  constructor(private readonly world: World) {}

  answersTo(noteId: string): CommandAnswer[] {
    return this.answers.filter((entry) => entry.noteId === noteId).map((entry) => entry.answer);
  }

  activities(): CommandActivities {
    const rank: AccessLevel[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];
    return {
      acknowledgeCommand: async (_ref, command) => {
        this.acknowledged.push(command.noteId);
      },
      checkCommandAccess: async (_ref, command) => {
        const level = this.access.get(command.author.id) ?? 'none';
        const verb = verbOf(command);
        const decidesLearning = verb === 'learn' && 'command' in command && /^(accept|remove) \S+$/.test(command.command.argument);
        const needed: AccessLevel = verb === 'approve' || verb === 'reject' || decidesLearning ? 'maintain' : verb === 'help' ? 'read' : 'write';
        return { level, needed, allowed: rank.indexOf(level) >= rank.indexOf(needed) };
      },
      answerCommand: async (_ref, command, answer) => {
        this.answers.push({ noteId: command.noteId, answer });
        return { id: String(this.answers.length) };
      },
      forwardDecision: async (_ref, decision) => {
        this.decisions.push(decision);
        return { kind: 'taken', workflowId: 'sentry-fix:acme:1', outcome: { gate: 'merge', decision: decision.decision, next: 'marking the change ready for review' } };
      },
      forwardRevision: async () => ({ kind: 'no-owner' }),
      describeChangeForReview: async (ref) => ({ ...this.world.request(this.world.head), ref }),
      prepareAnswer: async (ref, ask) => {
        const finding = ask.kind === 'reply' ? this.findingThreads.get(ask.reply.threadId) : undefined;
        if (ask.kind === 'reply' && !finding) return { kind: 'not-ours' };
        if (ask.kind === 'command' && ask.command.command.argument.trim() === '') return { kind: 'unclear', reason: 'no lines were named.' };
        const noted = ask.kind === 'reply' ? ask.reply : ask.command;
        const assignment = {
          role: 'answerer' as const,
          forge: ref.forge,
          repositoryPath: ref.projectPath,
          repository: { cloneUrl: 'file:///nowhere', baseSha: sha(0), headSha: this.world.head },
          changedPaths: ['a.ts'],
          questionClaim: { store: 'file' as const, key: `answer-question.${noted.noteId}`, sha256: '0'.repeat(64), bytes: 2 },
          asker: noted.author.username,
        };
        return { kind: 'ready', assignment, ...(finding ? { finding } : {}) };
      },
      postAnswer: async (_ref, ask) => {
        const noteId = ask.kind === 'reply' ? ask.reply.noteId : ask.command.noteId;
        this.posted.push(noteId);
        const disposition = this.dispositions.get(noteId);
        return { id: `answer-${this.posted.length}`, ...(disposition ? { disposition } : {}) };
      },
      learnFromCommand: async (_ref, command, accessLevel) => {
        this.learned.push(command.noteId);
        const [action = '', id = ''] = command.command.argument.split(' ');
        if (action === 'list') return { kind: 'listed', learnings: [...this.learnings.values()], total: this.learnings.size };
        if (action === 'accept' || action === 'remove') {
          const learning = this.learnings.get(id);
          if (!learning) return { kind: 'not-found', id };
          if (action === 'remove') this.learnings.delete(id);
          else this.learnings.set(id, { ...learning, status: 'accepted', acceptedBy: command.author.username });
          return action === 'remove' ? { kind: 'removed', learning } : { kind: 'accepted', learning: this.learnings.get(id) ?? learning };
        }
        const maintainer = rank.indexOf(accessLevel) >= rank.indexOf('maintain');
        const learning: LearningView = { id: `l-${command.noteId}`, status: maintainer ? 'accepted' : 'proposed', text: command.command.argument, author: command.author.username, ...(maintainer ? { acceptedBy: command.author.username } : {}) };
        this.learnings.set(learning.id, learning);
        return { kind: 'added', learning };
      },
      claimCommandBudget: async (claim) => {
        const noteId = claim.commandId.replace(/^[^:]*:/, '');
        this.budgetClaims.push(noteId);
        return this.budgetRefused.has(noteId) ? { allowed: false, limit: 20, windowMinutes: 60, retryInMs: 25 * 60_000 } : { allowed: true };
      },
    };
  }
}
