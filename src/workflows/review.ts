import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgentActivities } from '../activities/agent-activities.js';
import type { ForgeActivities } from '../activities/forge-activities.js';
import { PERMANENT_ERROR_TYPES } from '../activities/permanent-errors.js';
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
} from './definitions.js';
import { failureReason } from './failure-reason.js';


const forge = proxyActivities<ForgeActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
});

/**
 * One long-lived workflow per merge request: reviews each new head SHA after a quiet period,
 * cancels a review that a newer push made stale, and ends when the change is closed or merged.
 */
export async function reviewWorkflow(input: ReviewWorkflowInput): Promise<ReviewStatus> {
  const { ref, settings } = input;
  const agent = proxyActivities<AgentActivities>({
    taskQueue: settings.agentTaskQueue,
    startToCloseTimeout: settings.agentTimeoutMs + 60_000,
    heartbeatTimeout: settings.agentHeartbeatTimeoutMs ?? 60_000,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '10s', backoffCoefficient: 2, maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
  });

  const status: ReviewStatus = {
    ref,
    phase: 'waiting',
    reviewsCompleted: input.carried?.reviewsCompleted ?? 0,
    reviewsCancelled: input.carried?.reviewsCancelled ?? 0,
    ...(input.carried?.lastReviewedSha ? { lastReviewedSha: input.carried.lastReviewedSha } : {}),
  };
  let pending: ReviewRequest | undefined = input.carried?.pending;
  let closed: ChangeClosed | undefined;
  let revisions = 0;
  let running: { sha: string; scope: CancellationScope } | undefined;

  // The change's identity goes with every phase update, so that operators find a workflow however it was started.
  const identity = [
    { key: searchAttributes.forge, value: ref.forge },
    { key: searchAttributes.repository, value: ref.projectPath },
    { key: searchAttributes.changeNumber, value: ref.number },
  ] as const;
  const setPhase = (phase: ReviewPhase, details: string) => {
    status.phase = phase;
    upsertSearchAttributes([...identity, { key: searchAttributes.phase, value: phase }]);
    setCurrentDetails(details);
  };

  setHandler(statusQuery, () => status);
  setHandler(newRevisionSignal, (request) => {
    if (closed) return;
    if (request.headSha === running?.sha || (request.headSha === status.lastReviewedSha && !pending)) return;
    pending = request;
    status.latestSha = request.headSha;
    revisions++;
    if (running && status.phase === 'reviewing') running.scope.cancel();
  });
  setHandler(cancelReviewSignal, (cancel) => {
    const sha = running?.sha ?? pending?.headSha;
    status.lastOperatorCancel = { ...cancel, ...(sha ? { sha } : {}) };
    pending = undefined;
    if (running && status.phase === 'reviewing') running.scope.cancel();
    log.info('review cancelled by an operator', { by: cancel.by, sha });
  });
  setHandler(changeClosedSignal, (event) => {
    closed = event;
    if (running && status.phase === 'reviewing') running.scope.cancel();
  });

  async function quietPeriod(): Promise<void> {
    setPhase('debouncing', `waiting ${settings.debounceMs} ms for more pushes`);
    for (;;) {
      const seen = revisions;
      const interrupted = await condition(() => revisions !== seen || closed !== undefined, settings.debounceMs);
      if (!interrupted || closed) return;
    }
  }

  /** `.forgebot.yml` on the target branch turned the reviewer off: say so on the change instead of reviewing. */
  async function publishReviewsOff(headSha: string): Promise<void> {
    setPhase('publishing', `reviews are turned off; noting it on ${headSha.slice(0, 12)}`);
    const summary = 'forgebot reviews are turned off for this repository (`reviewer.enabled: false` in `.forgebot.yml` on the target branch).';
    const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };
    // Not recorded as reviewed: when reviews are turned on again, the whole change is reviewed.
    await forge.publishReview(ref, { headSha, summary, findings: [], model: 'none', usage, truncated: false, costUsd: 0 });
  }

  async function review(request: ReviewRequest): Promise<void> {
    const change = await forge.fetchChange(ref, status.lastReviewedSha);
    if (change.state !== 'opened') {
      closed ??= { reason: change.state === 'merged' ? 'merged' : 'closed' };
      return;
    }
    if (change.draft && !settings.reviewDrafts) {
      setPhase('waiting', 'draft: not reviewed until it is marked ready');
      return;
    }
    if (change.review?.settings.reviewer.enabled === false) {
      await publishReviewsOff(change.headSha);
      return;
    }
    const scope = new CancellationScope();
    running = { sha: change.headSha, scope };
    status.reviewingSha = change.headSha;
    setPhase('reviewing', `reviewing ${change.headSha.slice(0, 12)}`);
    try {
      const result = await scope.run(() => agent.runReviewAgent(request, change));
      setPhase('publishing', `publishing ${result.findings.length} findings for ${change.headSha.slice(0, 12)}`);
      const outcome = await forge.publishReview(ref, result);
      if (outcome.published) {
        status.lastReviewedSha = change.headSha;
        status.lastFindings = result.findings.length;
        status.lastUsage = result.usage;
        if (result.costUsd !== undefined) status.lastCostUsd = result.costUsd;
        else delete status.lastCostUsd;
        status.lastCoverage = { reviewed: result.filesReviewed ?? change.changedPaths.length, notReviewed: result.notReviewed?.length ?? 0 };
        if (result.incrementalFrom) status.lastIncrementalFrom = result.incrementalFrom;
        else delete status.lastIncrementalFrom;
        status.reviewsCompleted++;
        delete status.lastError;
      } else if (!pending) {
        // The change moved on and no webhook told us (yet): review the newer head.
        pending = { ...request, headSha: outcome.currentHeadSha };
        revisions++;
      }
    } catch (error) {
      if (isCancellation(error)) {
        status.reviewsCancelled++;
        log.info('review cancelled (a newer revision, a close or an operator)', { sha: change.headSha });
        return;
      }
      const reason = failureReason(error);
      status.lastError = reason;
      setPhase('failed', reason);
      log.warn('review failed', { sha: change.headSha, reason });
      await forge.reportFailure(ref, change.headSha, reason).catch((reportError: unknown) => {
        log.warn('could not report the failure on the change', { reason: failureReason(reportError) });
      });
    } finally {
      running = undefined;
      delete status.reviewingSha;
    }
  }

  for (;;) {
    if (status.lastError) setPhase('failed', `last review failed (${status.lastError}); waiting for the next push`);
    else setPhase('waiting', status.lastReviewedSha ? `reviewed ${status.lastReviewedSha.slice(0, 12)}` : 'waiting');
    await condition(() => pending !== undefined || closed !== undefined);
    if (closed) break;
    await quietPeriod();
    if (closed) break;
    const request = pending;
    pending = undefined;
    if (!request) continue;
    try {
      await review(request);
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Reading the change failed for good (after its retries): report it and wait for the next push.
      status.lastError = failureReason(error);
      setPhase('failed', status.lastError);
      await forge.reportFailure(ref, request.headSha, status.lastError).catch(() => undefined);
    }
    if (closed) break;
    const reviewsThisRun = status.reviewsCompleted + status.reviewsCancelled - (input.carried ? input.carried.reviewsCompleted + input.carried.reviewsCancelled : 0);
    if (reviewsThisRun >= settings.reviewsPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof reviewWorkflow>({
        ref,
        settings,
        carried: {
          reviewsCompleted: status.reviewsCompleted,
          reviewsCancelled: status.reviewsCancelled,
          ...(status.lastReviewedSha ? { lastReviewedSha: status.lastReviewedSha } : {}),
          ...(pending ? { pending } : {}),
        },
      });
    }
  }
  setPhase('closed', `change ${closed.reason}`);
  return status;
}
