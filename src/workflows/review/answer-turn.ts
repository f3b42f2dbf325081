import { isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type { AnswerAsk, CommandActivities, CommandAnswer } from '../../activities/command-activities.js';
import { PERMANENT_ERROR_TYPES } from '../../activities/permanent-errors.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { Noted } from '../../domain/change-command.js';
import type { ReviewStatus } from '../definitions.js';
import { failureReason } from '../failure-reason.js';
import { agentActivities, runSettingsActivities } from '../shared/activity-proxies.js';
import type { FindingFeedbackBook } from './finding-feedback.js';
import { overPersonBudget } from './person-budget.js';
import { rateVerdict, recentAsks, type AskLimits, type ReviewAsk } from './review-rate-limit.js';

/** Answers cost model tokens: at most this many per person, and per change, within the window. */
export const ANSWER_ASK_LIMITS: AskLimits = { perPerson: 10, perChange: 30, windowMs: 60 * 60_000 };
/** A person waits in a thread: an answer's job is bounded well below a review's. */
const ANSWER_TIMEOUT_MS = 5 * 60_000;

const commands = proxyActivities<CommandActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/** What an answer's turn needs from the command desk. */
export interface AnswerDeskPort {
  ref: ChangeRef;
  status: ReviewStatus;
  feedback: FindingFeedbackBook;
  /** The answers asked for within the window (the desk carries them across continue-as-new). */
  asks: ReviewAsk[];
  record(noted: Noted, result: string): void;
  answer(noted: Noted, answer: CommandAnswer): Promise<void>;
}

const notedOf = (ask: AnswerAsk): Noted => (ask.kind === 'command' ? ask.command : ask.reply);

/**
 * One answer, start to end: prepared (the lines, or forgebot's finding and its thread), rate-limited, run as an
 * `answerer` job on the agent queue (after a running review: the queue runs one job at a time, and the thread says
 * so), posted in the thread; a reply's word on its finding recorded. The access was checked before.
 */
export async function answerTurn(port: AnswerDeskPort, ask: AnswerAsk, prepared?: Awaited<ReturnType<CommandActivities['prepareAnswer']>>): Promise<void> {
  const noted = notedOf(ask);
  const now = Date.now();
  port.asks.splice(0, port.asks.length, ...recentAsks(port.asks, now, ANSWER_ASK_LIMITS));
  const verdict = rateVerdict(port.asks, noted.author.id, now, ANSWER_ASK_LIMITS);
  if (!verdict.allowed) {
    port.record(noted, `rate-limited (${verdict.scope})`);
    const retryInMinutes = Math.max(1, Math.ceil(verdict.retryInMs / 60_000));
    return port.answer(noted, { kind: 'rate-limited', what: 'answers', scope: verdict.scope, limit: verdict.limit, windowMinutes: ANSWER_ASK_LIMITS.windowMs / 60_000, retryInMinutes });
  }
  let preparation = prepared;
  try {
    preparation ??= await commands.prepareAnswer(port.ref, ask);
  } catch (error) {
    if (isCancellation(error)) throw error;
    port.record(noted, 'failed: not prepared');
    return port.answer(noted, { kind: 'answer-failed', reason: failureReason(error) });
  }
  if (preparation.kind === 'not-ours') return;
  if (preparation.kind === 'unclear') {
    port.record(noted, 'unclear');
    const verb = ask.kind === 'command' && ask.command.command.verb === 'suggest' ? 'suggest' : 'explain';
    return port.answer(noted, { kind: 'unclear', verb, reason: preparation.reason });
  }
  const overBudget = await overPersonBudget(port.ref, noted, 'answer', now);
  if (overBudget) {
    port.record(noted, 'rate-limited (person, across changes)');
    return port.answer(noted, overBudget);
  }
  port.asks.push({ by: noted.author.id, at: now });
  const reviewing = port.status.reviewingSha;
  if (reviewing) await port.answer(noted, { kind: 'answer-waits', sha: reviewing });
  try {
    const settings = await runSettingsActivities.readRunSettings();
    const timeoutMs = Math.min(settings.agentTimeoutMs, ANSWER_TIMEOUT_MS);
    const agent = agentActivities({ ...settings, agentTimeoutMs: timeoutMs });
    const stored = await agent.runAgent({ assignment: preparation.assignment, timeoutMs });
    if (stored.digest.role !== 'answerer') throw new Error(`the agent answered as ${stored.digest.role}`);
    const posted = await commands.postAnswer(port.ref, ask, stored.claim);
    const { finding } = preparation;
    if (ask.kind === 'reply' && finding && posted.disposition) {
      port.feedback.record({ fingerprint: finding.fingerprint, disposition: posted.disposition, by: noted.author.username, userId: noted.author.id, noteId: noted.noteId, at: new Date().toISOString() });
      port.status.findingFeedback = port.feedback.all();
    }
    port.record(noted, posted.disposition ? `answered (${posted.disposition})` : 'answered');
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureReason(error);
    log.warn('an answer failed', { note: noted.noteId, reason });
    port.record(noted, 'failed: no answer');
    return port.answer(noted, { kind: 'answer-failed', reason });
  }
}
