// A skip label (`pipeline.skip_labels`, default `skip-review`) on a change: the review context says so, the review
// workflow (on a real Temporal dev server) publishes a note naming the label instead of reviewing, and `/claude review`
// answers the same reason. Removing the label gets the next revision reviewed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { AgentActivities } from '../src/activities/agent-activities.js';
import { renderCommandAnswer } from '../src/activities/commands/command-answer.js';
import type { ForgeActivities } from '../src/activities/forge-activities.js';
import type { Forge } from '../src/activities/forge.js';
import { readReviewContext } from '../src/activities/review-context.js';
import { createRunSettingsActivities } from '../src/activities/run-settings-activities.js';
import { reviewWorkflowId, type ChangeRef } from '../src/domain/change-ref.js';
import type { ChangeSnapshot } from '../src/domain/change-snapshot.js';
import type { ReviewResult } from '../src/domain/finding.js';
import { DEFAULT_REPO_SETTINGS } from '../src/domain/review-settings.js';
import { changeClosedSignal, newRevisionSignal, statusQuery, type ReviewSettings } from '../src/workflows/definitions.js';
import { registerSearchAttributes } from '../src/workers/register-search-attributes.js';
import { workflowBundle } from '../src/workers/workflow-source.js';
import { startTemporal, unique } from './helpers/temporal.js';

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };

const snapshot = (labels: string[] | undefined, settingsText?: string): { forge: Forge; change: ChangeSnapshot } => {
  const ref: ChangeRef = { forge: 'gitlab', projectId: 1, projectPath: 'group/app', number: 3 };
  const change: ChangeSnapshot = {
    ref, title: 'T', description: '', state: 'opened', draft: false, baseSha: sha(0), startSha: sha(0), headSha: sha(1), targetBranch: 'main', cloneUrl: 'file:///x', files: [],
    ...(labels ? { labels } : {}),
  };
  const forge: Forge = {
    getChange: async () => change,
    readFile: async (_ref, path) => (path === '.forgebot.yml' ? settingsText : undefined),
    upsertSummary: async () => ({ id: '1', created: true }),
    postedFindingFingerprints: async () => new Set(),
    postInlineComment: async () => ({ id: '1' }),
  };
  return { forge, change };
};

describe('the review context of a labelled change', () => {
  test('copies the labels; a skip label (any case) sets skip', async () => {
    const { forge, change } = snapshot(['bug', 'Skip-Review']);
    const context = await readReviewContext(forge, change, undefined);
    assert.deepEqual(context.labels, ['bug', 'Skip-Review']);
    assert.deepEqual(context.skip, { label: 'skip-review' });
  });

  test('the skip labels are the repository\'s: another list, and no label, no skip', async () => {
    const { forge, change } = snapshot(['skip-review', 'wip'], 'pipeline:\n  skip_labels: [wip]\n');
    assert.deepEqual((await readReviewContext(forge, change, undefined)).skip, { label: 'wip' });
    const plain = snapshot(undefined);
    const context = await readReviewContext(plain.forge, plain.change, undefined);
    assert.equal(context.skip, undefined);
    assert.equal(context.labels, undefined, 'a forge that does not say has no labels');
  });

  test('/claude review on it answers the reason, the label inert', () => {
    const ref: ChangeRef = { forge: 'github', projectId: 0, projectPath: 'acme/widgets', number: 7 };
    const answer = renderCommandAnswer({ kind: 'review-done', full: false, outcome: { kind: 'reviews-off', sha: sha(1), skipLabel: 'skip-review' } }, { ref, trigger: '/claude', approveAccess: 'maintain', verb: 'review' });
    assert.equal(answer, 'Not reviewed: the pull request has the label `skip-review`; remove it to get a review.');
    const hostile = renderCommandAnswer({ kind: 'review-done', full: false, outcome: { kind: 'reviews-off', sha: sha(1), skipLabel: '@all `x` <b>' } }, { ref, trigger: '/claude', approveAccess: 'maintain', verb: 'review' });
    assert.ok(!hostile.includes('@all') && !hostile.includes('<b>'), hostile);
  });
});

describe('the review workflow and a skip label', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTemporal();
    await registerSearchAttributes(env.connection, 'default');
  });
  after(async () => {
    await env?.teardown();
  });

  test('a change with a skip label is not reviewed (a note names the label); without it, the next push is', async () => {
    let head = sha(1);
    let skip: { label: string } | undefined = { label: 'skip-review' };
    let state: 'opened' | 'merged' = 'opened';
    const published: ReviewResult[] = [];
    const reviewed: string[] = [];
    const review = (headSha: string): ReviewResult => ({ headSha, summary: `reviewed ${headSha}`, findings: [], model: 'fake', usage, truncated: false });
    const forge: ForgeActivities = {
      fetchChange: async () => ({
        state, draft: false, headSha: head, baseSha: sha(0), cloneUrl: 'file:///nowhere', changedPaths: ['a.ts'],
        review: { settings: DEFAULT_REPO_SETTINGS, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [], labels: skip ? [skip.label] : [], ...(skip ? { skip } : {}) },
      }),
      publishReview: async (_ref, result) => {
        published.push(result);
        return { published: result.headSha === head, currentHeadSha: head, summaryCreated: true, inlinePosted: 0, inlineAlreadyPresent: 0, unanchored: 0 };
      },
      readChangeState: async () => state,
      publishStoredReview: async (ref, claim) => forge.publishReview(ref, review(claim.key.slice('review.'.length))),
      reportFailure: async () => {},
    };
    const agent: AgentActivities = {
      runAgent: async ({ assignment }) => {
        if (assignment.role !== 'reviewer') throw new Error('reviews only');
        reviewed.push(assignment.change.headSha);
        return { claim: { store: 'file', key: `review.${assignment.change.headSha}`, sha256: '0'.repeat(64), bytes: 0 }, digest: { role: 'reviewer', headSha: assignment.change.headSha, findings: 0, usage, notReviewed: 0 } };
      },
      runReviewAgent: async (_request, change) => {
        reviewed.push(change.headSha);
        return review(change.headSha);
      },
    };

    const taskQueue = unique('skip-main');
    const agentTaskQueue = unique('skip-agent');
    const ref: ChangeRef = { forge: 'gitlab', projectId: Math.floor(Math.random() * 1e6) + 1, projectPath: 'group/app', number: 3 };
    const settings: ReviewSettings = { debounceMs: 50, reviewDrafts: false, agentTaskQueue, agentTimeoutMs: 60_000, reviewsPerRun: 50 };
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: {
      ...forge, ...createRunSettingsActivities(() => settings),
      // Review memory records outcomes when the change closes (nothing to record here).
      recordFindingOutcomes: async () => ({ findings: 0, recorded: 0, proposedLearnings: 0 }),
    } });
    const agentWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: agentTaskQueue, activities: agent });
    const push = (headSha: string) => {
      head = headSha;
      return env.client.workflow.signalWithStart('reviewWorkflow', {
        workflowId: reviewWorkflowId(ref), taskQueue, args: [{ ref }], signal: newRevisionSignal,
        signalArgs: [{ ref, headSha, title: 'T', author: 'alice', sourceBranch: 'feature', targetBranch: 'main', webUrl: 'http://x', draft: false }],
      });
    };
    const until = async (check: () => Promise<boolean> | boolean, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    await main.runUntil(agentWorker.runUntil(async () => {
      const handle = await push(sha(1));
      await until(async () => published.length === 1 && (await handle.query(statusQuery)).phase === 'waiting', 'the skip note');
      assert.equal(published[0]?.summary, 'Not reviewed: the change has the label `skip-review`; remove it to get a review.');
      assert.deepEqual(reviewed, [], 'no agent ran');
      assert.equal((await handle.query(statusQuery)).lastReviewedSha, undefined, 'not recorded as reviewed');

      skip = undefined;
      await push(sha(2));
      await until(async () => (await handle.query(statusQuery)).lastReviewedSha === sha(2), 'the next push reviewed');
      assert.deepEqual(reviewed, [sha(2)]);
      state = 'merged';
      await handle.signal(changeClosedSignal, { reason: 'merged' });
      assert.equal((await handle.result()).phase, 'closed');
    }));
  });
});
