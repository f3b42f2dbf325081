import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { SUMMARY_MARKER } from '../../domain/render.js';
import { FakeAnthropic } from '../../fakes/anthropic/fake-anthropic.js';
import { demoModel } from '../../fakes/anthropic/demo-model.js';
import { FakeGitLab } from '../../fakes/gitlab/fake-gitlab.js';
import type { FakeNote } from '../../fakes/gitlab/state.js';
import { createDemoRepository } from './demo-repository.js';
import { startDemoSentry, type DemoSentry } from './demo-sentry.js';
import { demoMergeRequestHook } from './demo-webhook.js';

const PROJECT_ID = 1;
const MR_IID = 1;

/**
 * The model name the demo's reviews, analyses and fixes carry: what answers is a script on this machine, not a Claude
 * model, so nothing shows a real model's name and nothing costs (an unpriced name has no cost: src/domain/usage-cost.ts).
 */
export const DEMO_MODEL = 'scripted-demo-model';

export interface DemoReview {
  summary: FakeNote;
  inline: FakeNote[];
}

export interface Demo {
  /** The configuration with the demo's fake GitLab and scripted model in place of real ones. */
  config: Config;
  workflowId: string;
  /** Sends the sample "merge request opened" webhook to the running server. */
  deliverWebhook(serverUrl: string): Promise<{ status: number; body: string }>;
  waitForReview(timeoutMs: number): Promise<DemoReview>;
  /** The Sentry side: a fake Sentry with one issue of the demo shop, its webhook, and the fix MR it leads to. */
  sentry: DemoSentry;
  stop(): Promise<void>;
}

const secret = () => randomBytes(16).toString('hex');

/**
 * A fake GitLab with a sample project and merge request (a real git repository), a fake Sentry with an issue whose
 * stack trace leads into that repository's bug, and a scripted model (reviewer, analyst and fixer).
 */
export async function startDemo(config: Config, dir: string): Promise<Demo> {
  const repo = await createDemoRepository(join(dir, 'repo'));
  const gitlabToken = `glpat-demo-${secret()}`;
  const webhookSecret = secret();
  const apiKey = `sk-ant-demo-${secret()}`;
  const gitlab = new FakeGitLab({ token: gitlabToken });
  await gitlab.start();
  gitlab.addProject({ id: PROJECT_ID, pathWithNamespace: 'demo/shop', repoDir: repo.dir });
  const mr = await gitlab.addMergeRequest({
    projectId: PROJECT_ID,
    iid: MR_IID,
    title: 'Add discount codes and an admin report',
    description: 'Adds discount codes to the cart total and a report endpoint for admins.',
    sourceBranch: 'feature/discounts',
    targetBranch: 'main',
    author: 'alice',
  });
  const model = new FakeAnthropic({ apiKey, brain: demoModel });
  await model.start();
  const sentry = await startDemoSentry({ fake: gitlab, projectId: PROJECT_ID, projectPath: 'demo/shop' });

  return {
    config: {
      ...config,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlabToken,
      GITLAB_WEBHOOK_SECRET: [webhookSecret],
      ANTHROPIC_API_KEY: apiKey,
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_MODEL: DEMO_MODEL,
      REVIEW_DEBOUNCE_SECONDS: Math.min(config.REVIEW_DEBOUNCE_SECONDS, 1),
      ...sentry.config,
    },
    workflowId: `review:gitlab:${PROJECT_ID}:${MR_IID}`,
    async deliverWebhook(serverUrl) {
      const hook = demoMergeRequestHook(
        {
          projectId: PROJECT_ID, projectPath: 'demo/shop', iid: MR_IID, title: mr.title, description: mr.description,
          sourceBranch: mr.sourceBranch, targetBranch: mr.targetBranch, headSha: repo.headSha,
          webUrl: `${gitlab.url}/demo/shop/-/merge_requests/${MR_IID}`, author: 'alice',
        },
        webhookSecret,
      );
      const response = await fetch(`${serverUrl}/webhook/gitlab`, { method: 'POST', headers: hook.headers, body: hook.body, signal: AbortSignal.timeout(10_000) });
      return { status: response.status, body: await response.text() };
    },
    async waitForReview(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const notes = gitlab.notes(PROJECT_ID, MR_IID);
        const summary = notes.find((note) => note.body.startsWith(SUMMARY_MARKER));
        if (summary) return { summary, inline: notes.filter((note) => note.type === 'DiffNote') };
        if (Date.now() > deadline) throw new Error(`no review arrived within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    sentry,
    async stop() {
      await Promise.all([gitlab.stop(), model.stop(), sentry.stop()]);
    },
  };
}
