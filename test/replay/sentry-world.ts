// The world the sentry-fix workflow runs in for its tests and its replay recordings: every activity it calls as a
// plain-object fake of its contract (src/activities/sentry/contracts.ts, author and agent activities), recording what
// the workflow asked for. readSentryFixSettings and countFixAttemptsToday are the real ones (the count through the
// test's Temporal server).
import { Context } from '@temporalio/activity';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { AgentActivities, AgentAssignment } from '../../src/activities/agent-activities.js';
import type { AnalysisDigest, WorkDigest } from '../../src/activities/agent-digest.js';
import type { AuthorActivities, PublishWorkInput } from '../../src/activities/author-activities.js';
import type { GateAuditActivities, GateDecisionToRecord } from '../../src/audit/gate-decision-activities.js';
import type { ContributorActivities } from '../../src/activities/contributor-activities.js';
import type { PipelineState } from '../../src/activities/forge.js';
import type { ChangeState, ForgeActivities } from '../../src/activities/forge-activities.js';
import { createAttemptCountActivities } from '../../src/activities/sentry/attempt-count-activities.js';
import type { FixChangeLookup, PrepareFixDescriptionInput, RepositoryActivities, SentryActivities, SentryReport } from '../../src/activities/sentry/contracts.js';
import { createSentrySettingsActivities, type SentryFixSettingsSource } from '../../src/activities/sentry/settings-activities.js';
import type { ChangeContributors } from '../../src/domain/change-contributors.js';
import type { ClaimRef } from '../../src/domain/claim-ref.js';
import { parseRepoSettings, type ParsedRepoSettings } from '../../src/domain/review-settings.js';
import type { SentryEvidence } from '../../src/domain/sentry/evidence.js';
import type { SentryIssueSummary, SentryTrigger } from '../../src/domain/sentry/issue.js';
import { SentryProjectMapping } from '../../src/domain/sentry/project-mapping.js';
import { workflowIdFor } from '../../src/domain/subject-ref.js';
import { workflowBundle } from '../../src/workers/workflow-source.js';
import type { sentryFixWorkflow } from '../../src/workflows/sentry-fix.js';
import { SENTRY_FIX_WORKFLOW_TYPE, sentryTriggerSignal } from '../../src/workflows/sentry-fix-definitions.js';

export const sha = (n: number) => n.toString(16).padStart(40, 'c');
export const claim = (kind: string, n = 0): ClaimRef => ({ store: 'file', key: `${kind}.${n.toString(16).padStart(64, '0')}`, sha256: n.toString(16).padStart(64, '0'), bytes: 10 });
const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 2 };

export type SentryMainActivities = SentryActivities & RepositoryActivities & { countFixAttemptsToday(path: string): Promise<number> } & Pick<ForgeActivities, 'readChangeState'> & AuthorActivities & ContributorActivities & GateAuditActivities;

/** Fails the activity for good, as a forge refusing a token does (no retries: tests stay fast). */
export const permanent = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

export class SentryWorld {
  calls: string[] = [];
  modelCalls: Array<AgentAssignment> = [];
  reports: SentryReport[] = [];
  notes: string[] = [];
  descriptions: PrepareFixDescriptionInput[] = [];
  published: PublishWorkInput[] = [];
  closed: number[] = [];
  deleted: string[] = [];
  ready: number[] = [];
  merged: Array<{ number: number; sha: string }> = [];
  cancelled: string[] = [];

  readonly issue: SentryIssueSummary;
  evidence: SentryEvidence;
  /** The files locateFiles finds (undefined: every path asked for). */
  existing: string[] | undefined;
  lookup: FixChangeLookup = { branches: [] };
  repoSettings: ParsedRepoSettings = parseRepoSettings('commands:\n  test: pytest -q\n');
  analysis: Pick<AnalysisDigest, 'fixable' | 'confidence'> = { fixable: true, confidence: 0.9 };
  work: Partial<Pick<WorkDigest, 'filesChanged' | 'linesAdded' | 'linesDeleted'>> & { verdict?: NonNullable<WorkDigest['verification']>['verdict'] | 'absent'; error?: ApplicationFailure } = {};
  /** The role whose agent job waits until it is cancelled. */
  hang: 'analyst' | 'implementer' | undefined;
  pipeline: PipelineState = 'success';
  /** What Sentry's API says of the issue's status when the workflow checks a settled signal. */
  sentryStatus = 'resolved';
  changeState: ChangeState['state'] = 'opened';
  /** Who the forge says worked on the change (changeContributors answers it as it is at each call). */
  contributors: ChangeContributors = { people: [], unmappedEmails: 0, truncated: false };
  /** The gate decisions the workflow recorded for the audit trail (recordGateDecisions: not in `calls`). */
  gateDecisions: GateDecisionToRecord[] = [];
  /** Activities that fail for good, by name. */
  failing = new Map<string, ApplicationFailure>();
  settings: SentryFixSettingsSource;
  private changeNumber = 0;

  constructor(
    readonly mapping: SentryProjectMapping,
    options: { issueId: string; shortId: string; agentTaskQueue: string },
  ) {
    this.issue = {
      org: mapping.org,
      issueId: options.issueId,
      shortId: options.shortId,
      projectSlug: mapping.project,
      title: "KeyError: 'user'",
      status: 'unresolved',
      errorType: 'KeyError',
      errorValue: "'user'",
      count: 12,
      userCount: 3,
      webUrl: `https://sentry.test/organizations/${mapping.org}/issues/${options.issueId}/`,
    };
    const frame = { file: '/app/api/views.py', repositoryPath: 'api/views.py', function: 'profile', lineNo: 12, inApp: true, context: [] };
    this.evidence = { eventId: 'e'.repeat(32), exceptions: [{ type: 'KeyError', value: "'user'", frames: [frame] }], breadcrumbs: [], tags: [], truncated: false };
    this.settings = {
      mappings: [mapping],
      globalDryRun: false,
      agentTaskQueue: options.agentTaskQueue,
      agentTimeoutMs: 60_000,
      agentHeartbeatTimeoutMs: 10_000,
      gateExpiryMs: 60_000,
      gateReminderMs: 30_000,
      pollIntervalMs: 200,
      sentryUrl: 'https://sentry.test',
    };
  }

  /** A project mapping with the defaults of SENTRY_PROJECTS, for `group/<path>`. */
  static mapping(path: string, overrides: Partial<SentryProjectMapping> = {}): SentryProjectMapping {
    return SentryProjectMapping.parse({ org: 'acme', project: 'api', forge: 'gitlab', projectId: 4242, projectPath: path, pathRewrites: [{ from: '/app/', to: '' }], ...overrides });
  }

  trigger(reason: SentryTrigger['reason'] = 'created', issue: Partial<SentryIssueSummary> = {}): SentryTrigger {
    return { reason, issue: { ...this.issue, ...issue } };
  }

  private call(name: string): void {
    this.calls.push(name);
    const failure = this.failing.get(name);
    if (failure) throw failure;
  }

  /** Waits until the activity is cancelled (heartbeating, so the cancel reaches it). */
  private async hangUntilCancelled(what: string): Promise<never> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), 100);
    try {
      return await new Promise<never>((_resolve, reject) => context.cancellationSignal.addEventListener('abort', () => reject(new CancelledFailure('stopped'))));
    } finally {
      this.cancelled.push(what);
      clearInterval(beat);
    }
  }

  main(client: Pick<Client, 'workflow' | 'connection'>): SentryMainActivities {
    const settings = createSentrySettingsActivities(() => this.settings);
    const count = createAttemptCountActivities({ client });
    const ref = (number: number) => ({ forge: this.mapping.forge, projectId: this.mapping.projectId, projectPath: this.mapping.projectPath, number });
    return {
      recordGateDecisions: async ({ decisions }) => {
        this.gateDecisions.push(...decisions);
        return { written: decisions.length };
      },
      readSentryFixSettings: async (org, project) => {
        this.call('readSentryFixSettings');
        return settings.readSentryFixSettings(org, project);
      },
      countFixAttemptsToday: async (path) => {
        this.call('countFixAttemptsToday');
        return count.countFixAttemptsToday(path);
      },
      fetchSentryEvidence: async () => {
        this.call('fetchSentryEvidence');
        return { issue: this.issue, evidence: this.evidence, renderedClaim: claim('sentry-evidence', 1) };
      },
      readSentryIssueStatus: async () => {
        this.call('readSentryIssueStatus');
        return { status: this.sentryStatus };
      },
      postSentryReport: async ({ report }) => {
        this.call('postSentryReport');
        this.reports.push(report);
        return { commentId: String(this.reports.length) };
      },
      prepareFixDescription: async (input) => {
        this.call('prepareFixDescription');
        this.descriptions.push(input);
        return { title: `Fix ${input.issue.shortId}`, descriptionClaim: claim('fix-description', 2) };
      },
      locateFiles: async (_repo, _branch, paths) => {
        this.call('locateFiles');
        return { headSha: sha(1), existing: this.existing ?? paths, cloneUrl: 'file:///nowhere' };
      },
      findFixChanges: async () => {
        this.call('findFixChanges');
        return this.lookup;
      },
      readRepositorySettings: async () => {
        this.call('readRepositorySettings');
        return this.repoSettings;
      },
      readPipeline: async () => {
        this.call('readPipeline');
        return { state: this.pipeline, webUrl: 'https://forge.test/pipelines/1' };
      },
      postChangeNote: async (_ref, body) => {
        this.call('postChangeNote');
        this.notes.push(body);
        return { id: String(this.notes.length) };
      },
      readChangeState: async () => {
        this.call('readChangeState');
        return this.changeState;
      },
      changeContributors: async () => {
        this.call('changeContributors');
        return structuredClone(this.contributors);
      },
      publishWork: async (input) => {
        this.call('publishWork');
        this.published.push(input);
        this.changeNumber += 1;
        return { branch: input.branch, commitSha: sha(2), change: { ref: ref(this.changeNumber), webUrl: `https://forge.test/${this.mapping.projectPath}/-/merge_requests/${this.changeNumber}` } };
      },
      deleteWorkBranch: async (_repo, branch) => {
        this.call('deleteWorkBranch');
        this.deleted.push(branch);
      },
      markWorkReady: async (change) => {
        this.call('markWorkReady');
        this.ready.push(change.number);
      },
      mergeWork: async (change, commitSha) => {
        this.call('mergeWork');
        this.merged.push({ number: change.number, sha: commitSha });
        return { mergeSha: sha(3) };
      },
      closeWorkChange: async (change) => {
        this.call('closeWorkChange');
        this.closed.push(change.number);
      },
    };
  }

  agent(): AgentActivities {
    return {
      runAgent: async ({ assignment }) => {
        this.call(`runAgent:${assignment.role}`);
        this.modelCalls.push(assignment);
        if (this.hang === assignment.role) await this.hangUntilCancelled(assignment.role);
        if (assignment.role === 'analyst') {
          const digest: AnalysisDigest = { role: 'analyst', ...this.analysis, reason: 'the view reads a key the session may lack', usage, costUsd: 0.01, truncated: false };
          return { claim: claim('agent-analyst', 3), digest };
        }
        if (assignment.role !== 'implementer') throw new Error(`no ${assignment.role} in this world`);
        if (this.work.error) throw this.work.error;
        const verdict = this.work.verdict ?? 'proven';
        const digest: WorkDigest = {
          role: 'implementer',
          filesChanged: this.work.filesChanged ?? 2,
          linesAdded: this.work.linesAdded ?? 12,
          linesDeleted: this.work.linesDeleted ?? 1,
          commands: [{ name: 'test', exitCode: 0, timedOut: false }],
          usage,
          costUsd: 0.02,
          truncated: false,
          ...(verdict === 'absent' ? {} : { verification: { verdict, reason: verdict === 'proven' ? 'failed before, passed after' : 'the test passed before the fix', testPaths: ['tests/test_views.py'] } }),
        };
        return { claim: claim('agent-implementer', 4), digest };
      },
      runReviewAgent: async () => {
        throw new Error('the sentry-fix workflow never reviews');
      },
    };
  }
}

/** Polls `check` until it holds (every 50 ms), failing after `timeoutMs` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type SentryFixHandle = WorkflowHandle<typeof sentryFixWorkflow>;

/**
 * Runs a main and an agent worker on the world's fakes while `body` drives one sentry-fix workflow, started as the
 * webhook starts it (signal-with-start of the trigger). Both workers are shut down when `body` ends.
 */
export async function withSentryFix(env: TestWorkflowEnvironment, world: SentryWorld, body: (handle: SentryFixHandle) => Promise<void>, trigger = world.trigger()): Promise<void> {
  const taskQueue = `${world.settings.agentTaskQueue}-main`;
  const main = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: world.main(env.client) });
  // Heartbeats every 200 ms at most, so that a cancel reaches a hanging agent job quickly.
  const agent = await Worker.create({ connection: env.nativeConnection, taskQueue: world.settings.agentTaskQueue, activities: world.agent(), maxConcurrentActivityTaskExecutions: 1, maxHeartbeatThrottleInterval: '200ms', defaultHeartbeatThrottleInterval: '200ms' });
  const subject = { kind: 'sentry-issue' as const, org: world.issue.org, issueId: world.issue.issueId };
  await main.runUntil(
    agent.runUntil(async () => {
      const started = await env.client.workflow.signalWithStart<typeof sentryFixWorkflow, [SentryTrigger]>(SENTRY_FIX_WORKFLOW_TYPE, {
        workflowId: workflowIdFor('sentry-fix', subject),
        taskQueue,
        args: [{ subject }],
        signal: sentryTriggerSignal,
        signalArgs: [trigger],
      });
      await body(env.client.workflow.getHandle<typeof sentryFixWorkflow>(started.workflowId));
    }),
  );
}
