// The world of the Sentry fix end-to-end tests: a real Temporal dev server and Redis, the fake Sentry, the fake
// GitLab or GitHub serving the buggy cart project (a real git repository with a real failing test), the scripted
// fake model, and forgebot as deployed — the webhook app, the main worker and the agent worker with the local sandbox
// running the real runner. One per test file; each case uses issues of its own (newCartIssue).
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Redis } from 'ioredis';
import { SentryProjectMapping } from '../../src/domain/sentry/project-mapping.js';
import { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { FakeSentry } from '../../src/fakes/sentry/fake-sentry.js';
import { registerSearchAttributes } from '../../src/workers/register-search-attributes.js';
import type { sentryFixWorkflow } from '../../src/workflows/sentry-fix.js';
import { sentryFixStatusQuery, type SentryFixStatus } from '../../src/workflows/sentry-fix-definitions.js';
import { E2E_MODEL_KEY } from './e2e-world.js';
import { eventually, startForgebot, type Stack, type StackOptions } from './forgebot-stack.js';
import { connectRedis } from './redis.js';
import { APP_ROOT, cartIssueInSentry, cartIssuePayload, newCartIssue, SENTRY_ORG, type CartIssue } from './sentry-cart-issue.js';
import type { FixForge } from './sentry-fix-forges.js';
import { deliverSentry, SENTRY_TEST_SECRET, signedSentryDelivery } from './sentry-payloads.js';
import { startTemporal } from './temporal.js';

export const SENTRY_E2E_TOKEN = 'sntryu_e2e_0123456789abcdef0123456789abcdef';

/**
 * The Sentry projects of the world, each mapped to the cart repository with its own guardrails: `cart` as a
 * deployment would start, `cart-dry` in dry run, `cart-strict` allowing only ValueError.
 */
export type CartProject = 'cart' | 'cart-dry' | 'cart-strict';

function mappings(forge: FixForge): SentryProjectMapping[] {
  const base = { org: SENTRY_ORG, ...forge.repository, defaultBranch: 'main', pathRewrites: [{ from: APP_ROOT, to: '' }], dailyAttempts: 1_000 };
  return [
    SentryProjectMapping.parse({ ...base, project: 'cart' }),
    SentryProjectMapping.parse({ ...base, project: 'cart-dry', dryRun: true }),
    SentryProjectMapping.parse({ ...base, project: 'cart-strict', errorTypes: ['ValueError'] }),
  ];
}

export interface SentryWorld {
  env: TestWorkflowEnvironment;
  redis: Redis;
  sentry: FakeSentry;
  model: FakeAnthropic;
  forge: FixForge;
  stack: Stack;
  /** A new issue of `project` in the fake Sentry, its latest event the cart's TypeError. */
  addIssue(project: CartProject): CartIssue;
  /** Sentry's signed `issue` webhook about it (`regressed`: unresolved again, substatus regressed). */
  send(issue: CartIssue, action: 'created' | 'resolved' | 'regressed', options?: { secret?: string }): Promise<{ status: number; json: Record<string, unknown> }>;
  /** A person resolves the issue in Sentry: its status there, then Sentry's webhook saying so. */
  resolve(issue: CartIssue): Promise<{ status: number; json: Record<string, unknown> }>;
  handle(issue: CartIssue): WorkflowHandle<typeof sentryFixWorkflow>;
  status(issue: CartIssue): Promise<SentryFixStatus>;
  /** The status once `ready` says so (queried until then; times out with `what`). */
  statusWhen(issue: CartIssue, ready: (status: SentryFixStatus) => boolean, what: string, timeoutMs?: number): Promise<SentryFixStatus>;
  /** The workflow's result (its final status), within `timeoutMs`. */
  result(issue: CartIssue, timeoutMs?: number): Promise<SentryFixStatus>;
  /** forgebot's comments on the issue in Sentry, oldest first. */
  comments(issue: CartIssue): string[];
  stop(): Promise<void>;
}

export async function startSentryWorld(forge: FixForge, options: { vars?: Record<string, string>; stackOptions?: StackOptions } = {}): Promise<SentryWorld> {
  const env = await startTemporal();
  await registerSearchAttributes(env.connection, 'default');
  const redis = await connectRedis();
  const sentry = new FakeSentry({ token: SENTRY_E2E_TOKEN });
  await sentry.start();
  const model = new FakeAnthropic({ apiKey: E2E_MODEL_KEY });
  await model.start();
  const stack = await startForgebot(env, redis, {
    ...forge.vars,
    ANTHROPIC_API_KEY: E2E_MODEL_KEY,
    ANTHROPIC_BASE_URL: model.url,
    SENTRY_CLIENT_SECRET: SENTRY_TEST_SECRET,
    SENTRY_URL: sentry.url,
    SENTRY_TOKEN: SENTRY_E2E_TOKEN,
    SENTRY_PROJECTS: JSON.stringify(mappings(forge)),
    // The fix's pipeline is read every second while it runs (a deployment: every few minutes).
    SENTRY_POLL_INTERVAL_SECONDS: '1',
    ...options.vars,
  }, options.stackOptions);

  const handle = (issue: CartIssue) => env.client.workflow.getHandle<typeof sentryFixWorkflow>(issue.workflowId);
  const status = (issue: CartIssue) => handle(issue).query(sentryFixStatusQuery);
  const send: SentryWorld['send'] = (issue, action, sendOptions = {}) => {
    const { resource, json } = cartIssuePayload(issue, action);
    return deliverSentry(stack.server.url, signedSentryDelivery(resource, json, sendOptions.secret ? { secret: sendOptions.secret } : {}));
  };
  return {
    env, redis, sentry, model, forge, stack,
    addIssue(project) {
      const issue = newCartIssue(project);
      sentry.addIssue(cartIssueInSentry(issue));
      return issue;
    },
    send,
    async resolve(issue) {
      sentry.setStatus(SENTRY_ORG, issue.id, 'resolved');
      return send(issue, 'resolved');
    },
    handle,
    status,
    statusWhen(issue, ready, what, timeoutMs = 60_000) {
      return eventually(async () => {
        const failure = stack.workerFailure();
        if (failure) throw failure;
        const current = await status(issue);
        return ready(current) ? current : undefined;
      }, what, timeoutMs);
    },
    async result(issue, timeoutMs = 90_000) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${issue.workflowId} did not end within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([handle(issue).result(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    comments: (issue) => sentry.comments(issue.id).reverse(),
    async stop() {
      await stack.stop();
      await Promise.allSettled([sentry.stop(), model.stop(), forge.stop()]);
      redis.disconnect();
      await env.teardown();
    },
  };
}
