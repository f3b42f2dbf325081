import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import { SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import { workflowIdFor } from '../../domain/subject-ref.js';
import type { FakeGitLab } from '../../fakes/gitlab/fake-gitlab.js';
import { FakeSentry } from '../../fakes/sentry/fake-sentry.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';
import type { SentryFixStatus } from '../../workflows/sentry-fix-definitions.js';
import type { DemoFix } from './print-sentry-fix.js';
import { watchSentryFix } from './watch-sentry-fix.js';
import { DEMO_APP_ROOT, DEMO_SENTRY_ORG, DEMO_SENTRY_PROJECT, demoIssueCreatedPayload, demoSentryIssueRecord, type DemoSentryIssue } from './demo-sentry-issue.js';

/** The Sentry settings demo mode runs with (the rest of the configuration is the user's). */
type SentryConfig = Pick<Config, 'SENTRY_CLIENT_SECRET' | 'SENTRY_URL' | 'SENTRY_TOKEN' | 'SENTRY_PROJECTS' | 'SENTRY_DRY_RUN' | 'SENTRY_POLL_INTERVAL_SECONDS'>;
type TemporalConfig = Parameters<typeof connectTemporalClient>[0];

/** The draft MR is open and its gate waits for a person (or, without a gate yet, its pipeline has been read). */
const fixChangeOpen = (status: SentryFixStatus) => status.change !== undefined && (status.openGate !== undefined || status.phase === 'awaiting-approval');

export interface DemoSentry {
  config: SentryConfig;
  issue: DemoSentryIssue & { webUrl: string };
  workflowId: string;
  /** Sends Sentry's signed `issue.created` webhook about the sample issue to the running server. */
  deliverIssueCreated(serverUrl: string): Promise<{ status: number; body: string }>;
  /**
   * Reports the fix's progress until its draft MR is open and waits at the merge gate; throws when the attempt ends
   * without one (its reason), or at the timeout.
   */
  waitForFixChange(temporal: TemporalConfig, options: { timeoutMs: number; onProgress: (line: string) => void }): Promise<DemoFix>;
  /** Keeps reporting until the attempt ends (a person approved or rejected it), in the background, until stop(). */
  followToTheEnd(temporal: TemporalConfig, onProgress: (line: string) => void, onError: (error: unknown) => void): void;
  /** forgebot's comments on the issue, oldest first. */
  comments(): string[];
  stop(): Promise<void>;
}

/**
 * A fake Sentry holding one issue of the demo shop (its latest event: the TypeError of src/badge.js), mapped to the
 * demo GitLab project — not dry-run, so a draft fix MR appears. The issue id is new at each start: the dedupe store
 * (Redis) outlives a demo run, and Sentry sends `created` once per issue.
 */
export async function startDemoSentry(gitlab: { fake: FakeGitLab; projectId: number; projectPath: string }): Promise<DemoSentry> {
  const token = `sntryu_demo_${randomBytes(16).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  const sentry = new FakeSentry({ token });
  await sentry.start();
  const issue: DemoSentryIssue = { id: String(Math.floor(Date.now() / 1_000)), shortId: 'SHOP-1' };
  sentry.addIssue(demoSentryIssueRecord(issue));
  const workflowId = workflowIdFor('sentry-fix', { kind: 'sentry-issue', org: DEMO_SENTRY_ORG, issueId: issue.id });
  const following = new AbortController();
  let followed: Promise<void> | undefined;
  // Shared by the watches, so that following the fix to its end does not repeat what waiting for its MR reported.
  const printed = new Set<string>();
  const watch = async (temporal: TemporalConfig, options: Omit<Parameters<typeof watchSentryFix>[2], 'printed'>) => {
    const client = await connectTemporalClient(temporal);
    try {
      return await watchSentryFix(client, workflowId, { ...options, printed });
    } finally {
      await client.connection.close();
    }
  };
  const mergeRequestFrom = (branch: string) => [...gitlab.fake.state.mergeRequests.values()].find((mr) => mr.projectId === gitlab.projectId && mr.sourceBranch === branch);
  const mapping = SentryProjectMapping.parse({
    org: DEMO_SENTRY_ORG, project: DEMO_SENTRY_PROJECT.slug, forge: 'gitlab', projectId: gitlab.projectId, projectPath: gitlab.projectPath,
    defaultBranch: 'main', pathRewrites: [{ from: DEMO_APP_ROOT, to: '' }],
  });
  return {
    config: {
      SENTRY_CLIENT_SECRET: [secret],
      SENTRY_URL: sentry.url,
      SENTRY_TOKEN: token,
      SENTRY_PROJECTS: [mapping],
      SENTRY_DRY_RUN: false,
      // The fix's pipeline is read every second (the fake GitLab runs none: two reads of "none" count as passed).
      SENTRY_POLL_INTERVAL_SECONDS: 1,
    },
    issue: { ...issue, webUrl: `${sentry.url}/organizations/${DEMO_SENTRY_ORG}/issues/${issue.id}/` },
    workflowId,
    async deliverIssueCreated(serverUrl) {
      const body = JSON.stringify(demoIssueCreatedPayload(issue, sentry.url));
      const headers = {
        'content-type': 'application/json',
        'request-id': randomUUID(),
        'sentry-hook-resource': 'issue',
        'sentry-hook-timestamp': String(Math.floor(Date.now() / 1_000)),
        'sentry-hook-signature': createHmac('sha256', secret).update(body).digest('hex'),
      };
      const response = await fetch(`${serverUrl}/webhook/sentry`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: await response.text() };
    },
    async waitForFixChange(temporal, options) {
      const status = await watch(temporal, { ...options, until: fixChangeOpen });
      if (!status.change) throw new Error(`the Sentry fix ended without a fix MR: ${status.outcome ?? status.phase} (${status.outcomeDetail ?? ''})`);
      const mr = mergeRequestFrom(status.change.branch);
      return {
        status,
        ...(mr ? { mergeRequest: { title: mr.title, draft: mr.draft, description: mr.description } } : {}),
        sentryComments: sentry.comments(issue.id).reverse(),
      };
    },
    followToTheEnd(temporal, onProgress, onError) {
      const days = 24 * 60 * 60 * 1_000;
      followed = watch(temporal, { until: () => false, timeoutMs: 30 * days, intervalMs: 1_000, onProgress, signal: following.signal }).then(
        () => undefined,
        (error: unknown) => {
          if (!following.signal.aborted) onError(error);
        },
      );
    },
    comments: () => sentry.comments(issue.id).reverse(),
    async stop() {
      // Before Temporal stops (dev's clean-up order): the last query is answered, the client closed.
      following.abort();
      await followed;
      await sentry.stop();
    },
  };
}
