import { condition, isCancellation, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { CommandActivities, CommandAnswer, CommentDecision, ReviewNowOutcome } from '../../activities/command-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import { verbOf, type ChangeCommand, type Noted, type ThreadReply } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { ReviewRequest } from '../../domain/review-request.js';
import { unknownVerbOf } from '../../domain/command-parser.js';
import { changeCommandSignal, threadReplySignal, type CarriedCommands, type ReviewStatus } from '../definitions.js';
import { failureReason } from '../failure-reason.js';
import { answerTurn, ANSWER_ASK_LIMITS, type AnswerDeskPort } from './answer-turn.js';
import { FindingFeedbackBook } from './finding-feedback.js';
import type { TurnPort } from './command-turn.js';
import { learnTurn } from './learn-turn.js';
import { overPersonBudget } from './person-budget.js';
import { rateVerdict, recentAsks, REVIEW_ASK_LIMITS, type ReviewAsk } from './review-rate-limit.js';
import { reviseTurn } from './revise-turn.js';

/**
 * Commands in comments (`/claude review`, `pause`, `approve` …): histories recorded before this patch never took the
 * changeCommand signal (no handler), so on replay a command there is left alone, as it was.
 */
export const CHANGE_COMMANDS_PATCH = 'change-commands';
/**
 * explain and suggest answered by the answerer agent (histories recorded before it answered "not available yet"), and
 * replies in forgebot's finding threads answered and their word on the finding kept.
 */
export const ANSWERS_PATCH = 'answerer';

/** A person waits for these: quick retries, and a bound well under a minute or two. */
const commands = proxyActivities<CommandActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** Redelivered notes are recognised among this many of the latest. */
const SEEN_NOTES = 200;

/** A review asked for by command(s): the next turn runs it at once, a draft too; `full` is not incremental. */
export interface ReviewOrder {
  commands: ChangeCommand[];
  full: boolean;
}

const noteKey = (noted: Noted) => `${noted.noteKind}:${noted.noteId}`;
const isReply = (noted: Noted): noted is ThreadReply => !('command' in noted);

/**
 * The review workflow's commands: each is acknowledged at once (a reaction), its author's access checked through the
 * forge's API, and answered in its thread. Taken one at a time, beside the review loop; `review` leaves an order the
 * loop takes at its next turn (and answers when that review ends).
 */
export class CommandDesk {
  private readonly queue: Noted[] = [];
  private readonly seen: string[];
  private asks: ReviewAsk[];
  /** Answers asked for (explain, suggest, replies) within their window. */
  private readonly answerAsks: ReviewAsk[];
  /** What people said of forgebot's findings. */
  readonly feedback: FindingFeedbackBook;
  private order: ReviewOrder | undefined;
  /** Activities under way (acknowledgements, the command being taken). */
  private inFlight = 0;

  constructor(
    private readonly ref: ChangeRef,
    private readonly status: ReviewStatus,
    /** The revision waiting to be reviewed, if any (resume says it is reviewed now). */
    private readonly pendingSha: () => string | undefined,
    carried?: CarriedCommands,
  ) {
    this.seen = [...(carried?.seenNotes ?? [])];
    this.asks = [...(carried?.reviewAsks ?? [])];
    this.answerAsks = [...(carried?.answerAsks ?? [])];
    this.feedback = new FindingFeedbackBook([...(carried?.feedback ?? [])]);
    if (carried?.feedback?.length) status.findingFeedback = this.feedback.all();
    setHandler(changeCommandSignal, (command) => this.receive(command));
    setHandler(threadReplySignal, (reply) => this.receiveReply(reply));
    void this.takeInTurn();
  }

  /** Commands are still being acknowledged, taken or answered (the workflow waits before it ends or continues as new). */
  busy(): boolean {
    return this.queue.length > 0 || this.inFlight > 0;
  }

  hasOrder(): boolean {
    return this.order !== undefined;
  }

  /** The review order for this turn, if any (the turn then owes its commands an answer: answerReview or requeue). */
  takeOrder(): ReviewOrder | undefined {
    const order = this.order;
    this.order = undefined;
    return order;
  }

  /** The order's review was overtaken (a newer push while it ran): the next turn reviews the newest head for it. */
  requeue(order: ReviewOrder): void {
    this.order = this.order ? { commands: [...order.commands, ...this.order.commands], full: order.full || this.order.full } : order;
  }

  async answerReview(order: ReviewOrder, outcome: ReviewNowOutcome): Promise<void> {
    const last = this.status.lastCommand;
    if (last && order.commands.some((command) => command.noteId === last.noteId)) last.result = outcome.kind === 'reviewed' ? `reviewed ${outcome.sha.slice(0, 12)}` : `review ${outcome.kind}`;
    for (const command of order.commands) await this.answer(command, { kind: 'review-done', full: order.full, outcome });
  }

  /**
   * What the order's turn reviews when no revision waits: the last one reviewed (its head is read again), else the change
   * as the forge has it (a workflow started by a command has seen no revision). Undefined, answered, when that fails.
   */
  async requestFor(order: ReviewOrder, last: ReviewRequest | undefined): Promise<ReviewRequest | undefined> {
    if (last) return last;
    try {
      return await commands.describeChangeForReview(this.ref);
    } catch (error) {
      if (isCancellation(error)) throw error;
      await this.answerReview(order, { kind: 'failed', reason: failureReason(error) });
      return undefined;
    }
  }

  /** The change closed: a review still asked for is answered so, then every command under way finishes. */
  async finish(state: 'closed' | 'merged'): Promise<void> {
    const order = this.takeOrder();
    if (order) await this.answerReview(order, { kind: 'closed', state });
    await condition(() => !this.busy());
  }

  /** What continue-as-new carries; undefined when no command was ever taken (the input stays as it was). */
  carried(now: number): CarriedCommands | undefined {
    const answerAsks = recentAsks(this.answerAsks, now, ANSWER_ASK_LIMITS);
    const feedback = this.feedback.all();
    if (this.seen.length === 0 && this.asks.length === 0 && answerAsks.length === 0 && feedback.length === 0) return undefined;
    return {
      seenNotes: [...this.seen],
      reviewAsks: recentAsks(this.asks, now),
      ...(answerAsks.length > 0 ? { answerAsks } : {}),
      ...(feedback.length > 0 ? { feedback } : {}),
    };
  }

  /** Fingerprints of the findings people marked won't fix or false positive: not raised again on this change. */
  dismissedFindings(): string[] {
    return this.feedback.dismissed();
  }

  /** Queues a note not seen before; false for a redelivery. */
  private enqueue(noted: Noted): boolean {
    const key = noteKey(noted);
    if (this.seen.includes(key)) {
      log.info('a note already taken was delivered again: ignored', { note: key });
      return false;
    }
    this.seen.push(key);
    if (this.seen.length > SEEN_NOTES) this.seen.splice(0, this.seen.length - SEEN_NOTES);
    this.queue.push(noted);
    return true;
  }

  /** A reply without a command: acknowledged only once its thread proves to be one of forgebot's findings. */
  private receiveReply(reply: ThreadReply): void {
    this.enqueue(reply);
  }

  private receive(command: ChangeCommand): void {
    if (!patched(CHANGE_COMMANDS_PATCH)) {
      log.warn('a command recorded before commands were handled is left alone', { verb: command.command.verb });
      return;
    }
    if (!this.enqueue(command)) return;
    const key = noteKey(command);
    // At once, whatever is being taken meanwhile: the person sees forgebot saw it.
    void this.tracked(() => commands.acknowledgeCommand(this.ref, command)).catch((error: unknown) => {
      log.warn('could not acknowledge a command', { note: key, reason: failureReason(error) });
    });
  }

  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  private async takeInTurn(): Promise<never> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      const noted = this.queue.shift();
      if (!noted) continue;
      try {
        await this.tracked(() => (isReply(noted) ? this.takeReply(noted) : this.take(noted)));
      } catch (error) {
        if (isCancellation(error)) throw error;
        log.warn('a command failed', { verb: verbOf(noted), reason: failureReason(error) });
      }
    }
  }

  private record(noted: Noted, result: string): void {
    const { author, noteId } = noted;
    this.status.lastCommand = { verb: verbOf(noted), by: author.username, userId: author.id, noteId, at: new Date().toISOString(), result };
  }

  /** Answers; a failure to answer (after retries) is logged: the command itself was taken. */
  private async answer(noted: Noted, answer: CommandAnswer): Promise<void> {
    try {
      await commands.answerCommand(this.ref, noted, answer);
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('could not answer a command', { verb: verbOf(noted), answer: answer.kind, reason: failureReason(error) });
    }
  }

  /** What a revise or learn turn uses of the desk. */
  private turnPort(): TurnPort {
    return { ref: this.ref, record: (noted, result) => this.record(noted, result), answer: (noted, answer) => this.answer(noted, answer) };
  }

  /** What an answer's turn uses of the desk. */
  private answerPort(): AnswerDeskPort {
    return { ref: this.ref, status: this.status, feedback: this.feedback, asks: this.answerAsks, record: (noted, result) => this.record(noted, result), answer: (noted, answer) => this.answer(noted, answer) };
  }

  /**
   * A reply in a diff thread: nothing at all unless the thread is one of forgebot's findings (forge API, forgebot's
   * own first note); then acknowledged, its author's access checked, and answered there.
   */
  private async takeReply(reply: ThreadReply): Promise<void> {
    const ask = { kind: 'reply', reply } as const;
    let prepared: Awaited<ReturnType<CommandActivities['prepareAnswer']>>;
    try {
      prepared = await commands.prepareAnswer(this.ref, ask);
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Whether it is forgebot's thread is unknown: saying nothing beats answering a person's own thread.
      log.warn('could not read the thread of a reply', { note: reply.noteId, reason: failureReason(error) });
      return;
    }
    if (prepared.kind === 'not-ours') return;
    try {
      await commands.acknowledgeCommand(this.ref, reply);
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('could not acknowledge a reply', { note: reply.noteId, reason: failureReason(error) });
    }
    let access: Awaited<ReturnType<CommandActivities['checkCommandAccess']>>;
    try {
      access = await commands.checkCommandAccess(this.ref, reply);
    } catch (error) {
      if (isCancellation(error)) throw error;
      this.record(reply, 'failed: access unknown');
      return this.answer(reply, { kind: 'failed', doing: 'checking your access', reason: failureReason(error) });
    }
    if (!access.allowed) {
      this.record(reply, `refused: needs ${access.needed}, has ${access.level}`);
      return this.answer(reply, { kind: 'refused', needed: access.needed, level: access.level });
    }
    return answerTurn(this.answerPort(), ask, prepared);
  }

  private async take(command: ChangeCommand): Promise<void> {
    let access: Awaited<ReturnType<CommandActivities['checkCommandAccess']>>;
    try {
      access = await commands.checkCommandAccess(this.ref, command);
    } catch (error) {
      if (isCancellation(error)) throw error;
      this.record(command, 'failed: access unknown');
      return this.answer(command, { kind: 'failed', doing: 'checking your access', reason: failureReason(error) });
    }
    if (!access.allowed) {
      this.record(command, `refused: needs ${access.needed}, has ${access.level}`);
      return this.answer(command, { kind: 'refused', needed: access.needed, level: access.level });
    }
    const { verb, argument } = command.command;
    switch (verb) {
      case 'review':
        return this.review(command, /^full\b/i.test(argument.trim()));
      case 'pause':
      case 'resume':
        return this.pauseOrResume(command, verb === 'pause');
      case 'approve':
      case 'reject':
        return this.decide(command, verb, access.level);
      case 'revise':
        return reviseTurn(this.turnPort(), command, access.level);
      case 'learn':
        return learnTurn(this.turnPort(), command, access.level);
      case 'explain':
      case 'suggest':
        if (patched(ANSWERS_PATCH)) return answerTurn(this.answerPort(), { kind: 'command', command });
        this.record(command, 'not available');
        return this.answer(command, { kind: 'not-available', verb });
      case 'help': {
        this.record(command, 'help');
        const unknownVerb = unknownVerbOf(command.command);
        return this.answer(command, { kind: 'help', ...(unknownVerb !== undefined ? { unknownVerb } : {}) });
      }
    }
  }

  private async review(command: ChangeCommand, full: boolean): Promise<void> {
    const running = this.status.reviewingSha;
    if (running && !full && !this.order) {
      this.record(command, 'a review is running');
      return this.answer(command, { kind: 'review-running', sha: running });
    }
    const now = Date.now();
    this.asks = recentAsks(this.asks, now);
    const verdict = rateVerdict(this.asks, command.author.id, now);
    if (!verdict.allowed) {
      this.record(command, `rate-limited (${verdict.scope})`);
      const retryInMinutes = Math.max(1, Math.ceil(verdict.retryInMs / 60_000));
      return this.answer(command, { kind: 'rate-limited', scope: verdict.scope, limit: verdict.limit, windowMinutes: REVIEW_ASK_LIMITS.windowMs / 60_000, retryInMinutes });
    }
    const overBudget = await overPersonBudget(this.ref, command, 'review', now);
    if (overBudget) {
      this.record(command, 'rate-limited (person, across changes)');
      return this.answer(command, overBudget);
    }
    this.asks.push({ by: command.author.id, at: now });
    this.requeue({ commands: [command], full });
    this.record(command, full ? 'full review queued' : 'review queued');
  }

  private async pauseOrResume(command: ChangeCommand, pause: boolean): Promise<void> {
    const already = (this.status.paused === true) === pause;
    this.status.paused = pause;
    this.record(command, pause ? 'paused' : 'resumed');
    if (pause) return this.answer(command, { kind: 'paused', already });
    const reviewing = already ? undefined : this.pendingSha();
    return this.answer(command, { kind: 'resumed', already, ...(reviewing ? { reviewing } : {}) });
  }

  private async decide(command: ChangeCommand, verb: 'approve' | 'reject', accessLevel: string): Promise<void> {
    const { author, noteUrl, command: parsed } = command;
    const decision: CommentDecision = {
      decision: verb,
      ...(verb === 'reject' ? { reason: parsed.argument } : {}),
      by: { name: author.username, source: 'comment', accessLevel, userId: author.id, ...(noteUrl ? { noteUrl } : {}) },
    };
    try {
      const result = await commands.forwardDecision(this.ref, decision, command.noteId);
      this.record(command, result.kind === 'taken' ? `${verb === 'approve' ? 'approved' : 'rejected'} (${result.workflowId})` : result.kind === 'refused' ? `refused by ${result.workflowId}` : 'no workflow owns the change');
      return this.answer(command, { kind: 'decision', result });
    } catch (error) {
      if (isCancellation(error)) throw error;
      this.record(command, 'failed: decision not forwarded');
      return this.answer(command, { kind: 'failed', doing: 'forwarding the decision', reason: failureReason(error) });
    }
  }
}
