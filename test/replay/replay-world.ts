// The world the replay recordings (and test/replay-upgrade.test.ts) run in: a forge and a reviewer agent as
// plain-object fake activities that record what the workflow asked for. Only modules that existed at commit 773b8d3
// are imported here (types aside), so the same file records the pre-patch histories from a checkout of that commit.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { AgentActivities } from '../../src/activities/agent-activities.js';
import type { ChangeState, ForgeActivities } from '../../src/activities/forge-activities.js';
import type { PublishOutcome } from '../../src/activities/publish-review.js';
import type { ChangeRef } from '../../src/domain/change-ref.js';
import type { ReviewResult } from '../../src/domain/finding.js';
import type { ReviewRequest } from '../../src/domain/review-request.js';
import { DEFAULT_REPO_SETTINGS } from '../../src/domain/review-settings.js';

export const sha = (n: number) => n.toString(16).padStart(40, 'a');

export class World {
  head = sha(1);
  draft = false;
  reviewerEnabled = true;
  /** Every activity the workflow ran, by name, in order. */
  calls: string[] = [];
  fetched: string[] = [];
  reviewsStarted: string[] = [];
  /** The fingerprints each review was told not to raise again (resolved, or dismissed by people), in order. */
  resolvedSeen: string[][] = [];
  reviewsCancelled: string[] = [];
  published: string[] = [];
  failures: string[] = [];
  /** What the workflow asked review memory to record when the change ended (recordFindingOutcomes' inputs). */
  outcomesAsked: unknown[] = [];
  /** Review of these SHAs waits until cancelled. */
  hang = new Set<string>();
  /** Review of these SHAs fails for good, as a model API refusing the key does. */
  unauthorized = new Set<string>();

  constructor(readonly ref: ChangeRef) {}

  request(headSha: string): ReviewRequest {
    return { ref: this.ref, headSha, title: 'Add feature', author: 'alice', sourceBranch: 'feature', targetBranch: 'main', webUrl: 'http://forge.test/mr/7', draft: this.draft };
  }

  // Only what reviewWorkflow calls, so the fakes keep compiling when activities are added.
  forge: Pick<ForgeActivities, 'fetchChange' | 'publishReview' | 'reportFailure'> = {
    fetchChange: async (_ref, lastReviewedSha): Promise<ChangeState> => {
      this.calls.push('fetchChange');
      this.fetched.push(this.head);
      const settings = { ...DEFAULT_REPO_SETTINGS, reviewer: { ...DEFAULT_REPO_SETTINGS.reviewer, enabled: this.reviewerEnabled } };
      const review = { settings, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [], ...(lastReviewedSha ? { lastReviewedSha } : {}) };
      return { state: 'opened', draft: this.draft, headSha: this.head, baseSha: sha(0), cloneUrl: 'file:///nowhere', changedPaths: ['a.ts'], review };
    },
    publishReview: async (_ref, review) => {
      this.calls.push('publishReview');
      return this.publish(review);
    },
    reportFailure: async (_ref, headSha, reason) => {
      this.calls.push('reportFailure');
      this.failures.push(`${headSha}: ${reason}`);
    },
  };

  /** The agent step of the code before the generic-agent-jobs patch: the result travels through history. */
  agent: Pick<AgentActivities, 'runReviewAgent'> = {
    runReviewAgent: async (_request, change) => {
      this.calls.push('runReviewAgent');
      return this.review(change);
    },
  };

  /** What the forge does with a review (either publish activity): it lands only on the current head. */
  publish(review: ReviewResult): PublishOutcome {
    this.published.push(review.headSha);
    return { published: review.headSha === this.head, currentHeadSha: this.head, summaryCreated: true, inlinePosted: 0, inlineAlreadyPresent: 0, unanchored: 0 };
  }

  /** What the reviewer agent does with `change`, whichever activity (runReviewAgent, runAgent) asked. */
  async review(change: ChangeState): Promise<ReviewResult> {
    this.reviewsStarted.push(change.headSha);
    this.resolvedSeen.push([...(change.review?.resolvedFingerprints ?? [])]);
    if (this.unauthorized.has(change.headSha)) {
      throw ApplicationFailure.create({ type: 'ERR_MODEL_UNAUTHORIZED', message: '401 invalid x-api-key', nonRetryable: true });
    }
    if (this.hang.has(change.headSha)) await this.hangUntilCancelled(change.headSha);
    const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
    return { headSha: change.headSha, summary: `reviewed ${change.headSha}`, findings: [], model: 'fake', usage, truncated: false };
  }

  private async hangUntilCancelled(headSha: string): Promise<never> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), 100);
    try {
      return await new Promise<never>((_resolve, reject) => context.cancellationSignal.addEventListener('abort', () => reject(new CancelledFailure('stopped'))));
    } catch (error) {
      this.reviewsCancelled.push(headSha);
      throw error;
    } finally {
      clearInterval(beat);
    }
  }
}
