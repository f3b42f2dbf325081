import { condition, continueAsNew, isCancellation, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { StoredAgentRun } from '../activities/agent-digest.js';
import type { ReviewNowOutcome } from '../activities/command-activities.js';
import type { ForgeActivities } from '../activities/forge-activities.js';
import type { PublishOutcome } from '../activities/publish-review.js';
import type { ChangeClosed, ReviewRequest } from '../domain/review-request.js';
import {
  cancelReviewSignal,
  changeClosedSignal,
  newRevisionSignal,
  searchAttributes,
  statusQuery,
  type ReviewPhase,
  type ReviewStatus,
  type ReviewWorkflowInput,
  type RunSettings,
} from './definitions.js';
import { failureReason } from './failure-reason.js';
import { agentActivities, mainQueueRetry, runSettingsActivities } from './shared/activity-proxies.js';
import { CancellableStep } from './shared/cancellable-step.js';
import { createPhaseTracker } from './shared/phase-tracker.js';
import { reportFailureSafely } from './shared/report-failure.js';
import { CommandDesk, type ReviewOrder } from './review/command-desk.js';
import { withDismissedFindings } from './review/finding-feedback.js';
import { recordFindingOutcomesSafely } from './review/finding-outcomes.js';

const forge = proxyActivities<ForgeActivities>(mainQueueRetry);

/**
 * Generic agent jobs: settings read per run (readRunSettings), the agent's output behind a claim check (runAgent →
 * publishStoredReview). Histories recorded before this patch take the old path (settings from the input,
 * runReviewAgent → publishReview) where they replay it.
 */
export const GENERIC_AGENT_JOBS_PATCH = 'generic-agent-jobs';
/** A `changeClosed` signal is confirmed with the forge (readChangeState) before the workflow ends. */
export const VERIFY_CLOSE_PATCH = 'verify-close-with-forge';
/**
 * No quiet period (no timer) for the first revision of a newly opened change, nor when the debounce is 0: only later
 * pushes wait for more to coalesce. (A timer, even of 1 ms, fires up to a second late on the Temporal server.)
 */
export const FIRST_REVISION_NO_DEBOUNCE_PATCH = 'first-revision-no-debounce';
/** A signal for the SHA this turn took (before its review starts, e.g. during fetchChange) is a duplicate too. */
export const TURN_SHA_DUPLICATE_PATCH = 'turn-sha-is-duplicate';
/** When the change ends (merged or closed), what became of each of forgebot's findings is recorded (review memory). */
export const FINDING_OUTCOMES_PATCH = 'finding-outcomes';

/** This turn's settings: the worker's current ones, or (in histories from before the patch) the input's. */
async function settingsForThisTurn(input: ReviewWorkflowInput): Promise<{ settings: RunSettings; generic: boolean }> {
  if (patched(GENERIC_AGENT_JOBS_PATCH) || !input.settings) return { settings: await runSettingsActivities.readRunSettings(), generic: true };
  return { settings: input.settings, generic: false };
}

/**
 * One long-lived workflow per merge request: reviews each new head SHA after a quiet period,
 * cancels a review that a newer push made stale, and ends when the change is closed or merged.
 */
export async function reviewWorkflow(input: ReviewWorkflowInput): Promise<ReviewStatus> {
  const { ref } = input;
  const status: ReviewStatus = {
    ref,
    phase: 'waiting',
    reviewsCompleted: input.carried?.reviewsCompleted ?? 0,
    reviewsCancelled: input.carried?.reviewsCancelled ?? 0,
    ...(input.carried?.lastReviewedSha ? { lastReviewedSha: input.carried.lastReviewedSha } : {}),
    ...(input.carried?.paused ? { paused: true } : {}),
  };
  let pending: ReviewRequest | undefined = input.carried?.pending;
  let closed: ChangeClosed | undefined;
  let revisions = 0;
  /** The SHA the current turn took from `pending`, until the turn ends. */
  let turnSha: string | undefined;
  /** The first turn of a new change's first run: its first revision is reviewed at once. */
  let firstTurn = input.carried === undefined;
  /** The revision of the last turn (a review asked for by command, with none pending, reviews the change's head). */
  let lastRequest: ReviewRequest | undefined;
  const agentStep = new CancellableStep();
  // status.reviewingSha is set from the start of a review until it is published (or fails): a signal for that SHA
  // meanwhile is a duplicate; only the agent step itself (phase 'reviewing') is cancelled.
  const cancelRunningReview = () => {
    if (status.reviewingSha && status.phase === 'reviewing') agentStep.cancel();
  };

  const setPhase = createPhaseTracker<ReviewPhase>(status, [
    { key: searchAttributes.forge, value: ref.forge },
    { key: searchAttributes.repository, value: ref.projectPath },
    { key: searchAttributes.changeNumber, value: ref.number },
  ]);

  setHandler(statusQuery, () => status);
  const desk = new CommandDesk(ref, status, () => pending?.headSha, input.carried?.commands);
  setHandler(newRevisionSignal, (request) => {
    if (closed) return;
    if (request.headSha === status.reviewingSha || (request.headSha === status.lastReviewedSha && !pending)) return;
    if (request.headSha === turnSha && !pending && patched(TURN_SHA_DUPLICATE_PATCH)) return;
    pending = request;
    status.latestSha = request.headSha;
    revisions++;
    cancelRunningReview();
  });
  setHandler(cancelReviewSignal, (cancel) => {
    const sha = status.reviewingSha ?? pending?.headSha;
    status.lastOperatorCancel = { ...cancel, ...(sha ? { sha } : {}) };
    pending = undefined;
    cancelRunningReview();
    log.info('review cancelled by an operator', { by: cancel.by, sha });
  });
  setHandler(changeClosedSignal, (event) => {
    if (!patched(VERIFY_CLOSE_PATCH)) {
      closed = event;
      cancelRunningReview();
      return;
    }
    void confirmClosed(event);
  });

  /** A close is acted on only when the forge confirms it (a captured `closed` delivery can be replayed at will). */
  async function confirmClosed(event: ChangeClosed): Promise<void> {
    let state: Awaited<ReturnType<ForgeActivities['readChangeState']>>;
    try {
      state = await forge.readChangeState(ref);
    } catch (error) {
      log.warn('could not confirm a close with the forge: the change stays open', { claimed: event.reason, reason: failureReason(error) });
      return;
    }
    if (state === 'opened' || state === 'locked') {
      status.closesIgnored = (status.closesIgnored ?? 0) + 1;
      log.warn('a close the forge does not confirm was ignored', { claimed: event.reason, state });
      return;
    }
    closed ??= { reason: state === 'merged' ? 'merged' : 'closed' };
    cancelRunningReview();
  }

  async function quietPeriod(debounceMs: number): Promise<void> {
    setPhase('debouncing', `waiting ${debounceMs} ms for more pushes`);
    for (;;) {
      const seen = revisions;
      const interrupted = await condition(() => revisions !== seen || closed !== undefined || desk.hasOrder(), debounceMs);
      if (!interrupted || closed || desk.hasOrder()) return;
    }
  }

  /**
   * `.forgebot.yml` on the target branch turned the reviewer off, or the change has one of its skip labels: say so on
   * the change instead of reviewing. (Histories from before skip labels never had one: their summary is unchanged.)
   */
  async function publishReviewsOff(headSha: string, skipLabel?: string): Promise<void> {
    setPhase('publishing', `${skipLabel === undefined ? 'reviews are turned off' : 'the change has a skip label'}; noting it on ${headSha.slice(0, 12)}`);
    const summary = skipLabel === undefined
      ? 'forgebot reviews are turned off for this repository (`reviewer.enabled: false` in `.forgebot.yml` on the target branch).'
      : `Not reviewed: the change has the label \`${skipLabel.replace(/`/g, '')}\`; remove it to get a review.`;
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };
    // Not recorded as reviewed: when reviews are turned on again, the whole change is reviewed.
    await forge.publishReview(ref, { headSha, summary, findings: [], model: 'none', usage, truncated: false, costUsd: 0 });
  }

  /** Runs the reviewer and publishes; returns what was published and the digest the status keeps. */
  async function reviewAndPublish(request: ReviewRequest, change: Awaited<ReturnType<ForgeActivities['fetchChange']>>, settings: RunSettings, generic: boolean): Promise<{ outcome: PublishOutcome; digest: StoredAgentRun<'reviewer'>['digest'] }> {
    const agent = agentActivities(settings);
    if (generic) {
      const stored = await agentStep.run(() => agent.runAgent({ assignment: { role: 'reviewer', request, change }, timeoutMs: settings.agentTimeoutMs }));
      if (stored.digest.role !== 'reviewer') throw new Error(`the agent answered as ${stored.digest.role}`);
      setPhase('publishing', `publishing ${stored.digest.findings} findings for ${change.headSha.slice(0, 12)}`);
      return { outcome: await forge.publishStoredReview(ref, stored.claim), digest: stored.digest };
    }
    const result = await agentStep.run(() => agent.runReviewAgent(request, change));
    setPhase('publishing', `publishing ${result.findings.length} findings for ${change.headSha.slice(0, 12)}`);
    const outcome = await forge.publishReview(ref, result);
    const digest: StoredAgentRun<'reviewer'>['digest'] = {
      role: 'reviewer', headSha: result.headSha, findings: result.findings.length, usage: result.usage, notReviewed: result.notReviewed?.length ?? 0,
      ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
      ...(result.filesReviewed !== undefined ? { filesReviewed: result.filesReviewed } : {}),
      ...(result.incrementalFrom ? { incrementalFrom: result.incrementalFrom } : {}),
    };
    return { outcome, digest };
  }

  /**
   * Reviews the change's head; `order` (a command's) reviews a draft too, and `full` not incrementally. Answers how it
   * ended (undefined: a draft left alone).
   */
  async function review(request: ReviewRequest, settings: RunSettings, generic: boolean, order?: ReviewOrder): Promise<ReviewNowOutcome | undefined> {
    // Findings people marked won't fix or false positive in their threads are not raised again.
    const change = withDismissedFindings(await forge.fetchChange(ref, order?.full ? undefined : status.lastReviewedSha), desk.dismissedFindings());
    if (change.state !== 'opened') {
      closed ??= { reason: change.state === 'merged' ? 'merged' : 'closed' };
      return { kind: 'closed', state: closed.reason };
    }
    if (change.draft && !settings.reviewDrafts && !order) {
      setPhase('waiting', 'draft: not reviewed until it is marked ready');
      return undefined;
    }
    if (change.review?.settings.reviewer.enabled === false) {
      await publishReviewsOff(change.headSha);
      return { kind: 'reviews-off', sha: change.headSha };
    }
    const skip = change.review?.skip;
    if (skip) {
      await publishReviewsOff(change.headSha, skip.label);
      return { kind: 'reviews-off', sha: change.headSha, skipLabel: skip.label };
    }
    status.reviewingSha = change.headSha;
    setPhase('reviewing', `reviewing ${change.headSha.slice(0, 12)}`);
    try {
      const { outcome, digest } = await reviewAndPublish(request, change, settings, generic);
      if (outcome.published) {
        status.lastReviewedSha = change.headSha;
        status.lastFindings = digest.findings;
        status.lastUsage = digest.usage;
        if (digest.costUsd !== undefined) status.lastCostUsd = digest.costUsd;
        else delete status.lastCostUsd;
        status.lastCoverage = { reviewed: digest.filesReviewed ?? change.changedPaths.length, notReviewed: digest.notReviewed };
        if (digest.incrementalFrom) status.lastIncrementalFrom = digest.incrementalFrom;
        else delete status.lastIncrementalFrom;
        status.reviewsCompleted++;
        delete status.lastError;
        return { kind: 'reviewed', sha: change.headSha, findings: digest.findings, ...(digest.incrementalFrom ? { incrementalFrom: digest.incrementalFrom } : {}) };
      }
      if (!pending) {
        // The change moved on and no webhook told us (yet): review the newer head.
        pending = { ...request, headSha: outcome.currentHeadSha };
        revisions++;
      }
      return { kind: 'superseded', sha: change.headSha };
    } catch (error) {
      if (isCancellation(error)) {
        status.reviewsCancelled++;
        log.info('review cancelled (a newer revision, a close or an operator)', { sha: change.headSha });
        return { kind: 'cancelled', sha: change.headSha };
      }
      const reason = failureReason(error);
      status.lastError = reason;
      setPhase('failed', reason);
      log.warn('review failed', { sha: change.headSha, reason });
      await reportFailureSafely(() => forge.reportFailure(ref, change.headSha, reason));
      return { kind: 'failed', reason };
    } finally {
      delete status.reviewingSha;
    }
  }

  /** A review asked for by command has ended: answered, or (overtaken by a push, or the change closed) asked again. */
  async function settleOrder(order: ReviewOrder, outcome: ReviewNowOutcome | undefined): Promise<void> {
    const overtaken = (outcome?.kind === 'cancelled' || outcome?.kind === 'superseded') && pending !== undefined;
    if (closed || overtaken || !outcome) desk.requeue(order);
    else await desk.answerReview(order, outcome);
  }

  const waiting = () => {
    if (status.paused) return `paused: automatic reviews are off${pending ? `; ${pending.headSha.slice(0, 12)} waits` : ''}`;
    return status.lastReviewedSha ? `reviewed ${status.lastReviewedSha.slice(0, 12)}` : 'waiting';
  };

  for (;;) {
    if (status.lastError) setPhase('failed', `last review failed (${status.lastError}); waiting for the next push`);
    else setPhase('waiting', waiting());
    // Paused: a new revision is remembered (pending), not reviewed; a command's review order still runs.
    await condition(() => (pending !== undefined && !status.paused) || desk.hasOrder() || closed !== undefined);
    if (closed) break;
    const { settings, generic } = await settingsForThisTurn(input);
    const noQuietPeriod = (firstTurn || settings.debounceMs <= 0) && patched(FIRST_REVISION_NO_DEBOUNCE_PATCH);
    firstTurn = false;
    if (!noQuietPeriod && !desk.hasOrder()) await quietPeriod(settings.debounceMs);
    if (closed) break;
    const order = desk.takeOrder();
    // Paused during the quiet period: the revision stays remembered.
    if (status.paused && !order) continue;
    let request = pending;
    pending = undefined;
    if (!request && order) request = await desk.requestFor(order, lastRequest);
    if (!request) continue;
    turnSha = request.headSha;
    let outcome: ReviewNowOutcome | undefined;
    try {
      outcome = await review(request, settings, generic, order);
      lastRequest = request;
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Reading the change failed for good (after its retries): report it and wait for the next push.
      status.lastError = failureReason(error);
      setPhase('failed', status.lastError);
      const headSha = request.headSha;
      await reportFailureSafely(() => forge.reportFailure(ref, headSha, status.lastError ?? 'failed'));
      outcome = { kind: 'failed', reason: status.lastError };
    } finally {
      turnSha = undefined;
    }
    if (order) await settleOrder(order, outcome);
    if (closed) break;
    const reviewsThisRun = status.reviewsCompleted + status.reviewsCancelled - (input.carried ? input.carried.reviewsCompleted + input.carried.reviewsCancelled : 0);
    // Not while a review is asked for; commands under way finish first (they would be lost with this run).
    if ((reviewsThisRun >= settings.reviewsPerRun || workflowInfo().continueAsNewSuggested) && !desk.hasOrder()) {
      if (desk.busy()) await condition(() => !desk.busy() || closed !== undefined);
      if (closed) break;
      if (desk.hasOrder()) continue;
      const commands = desk.carried(Date.now());
      return continueAsNew<typeof reviewWorkflow>({
        ref,
        // Histories from before the patch carry their settings on; new runs read them per turn.
        ...(generic ? {} : { settings }),
        carried: {
          reviewsCompleted: status.reviewsCompleted,
          reviewsCancelled: status.reviewsCancelled,
          ...(status.lastReviewedSha ? { lastReviewedSha: status.lastReviewedSha } : {}),
          ...(pending ? { pending } : {}),
          ...(status.paused ? { paused: true } : {}),
          ...(commands ? { commands } : {}),
        },
      });
    }
  }
  setPhase('closed', `change ${closed.reason}`);
  // Commands still under way (and a review asked for) are answered before the workflow ends.
  if (desk.busy() || desk.hasOrder()) await desk.finish(closed.reason);
  if (patched(FINDING_OUTCOMES_PATCH)) await recordFindingOutcomesSafely(ref, closed.reason, status.findingFeedback ?? []);
  return status;
}
