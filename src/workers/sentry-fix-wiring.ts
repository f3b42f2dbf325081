import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config.js';
import { MAX_FIX_PROOF_MS } from '../activities/agent-activities.js';
import type { ClaimCheckStore } from '../activities/claim-check/claim-check-store.js';
import type { SentryActivities } from '../activities/sentry/contracts.js';
import { createSentryActivities } from '../activities/sentry/sentry-activities.js';
import { createSentryClient, type SentryClient } from '../activities/sentry/sentry-client.js';
import { sentryFixSettingsFrom, type SentryFixSettingsSource } from '../activities/sentry/settings-activities.js';

/**
 * The sentry-fix workflow's settings, from this worker's configuration. Its agent timeout is the agent-worker's
 * (AGENT_TIMEOUT_SECONDS) plus the longest fix proof: the workflow uses one timeout for both of its jobs, and the
 * agent-worker bounds each job itself (the agent's time, and for a fix the proof's on top: fixProofMs).
 */
export function sentryFixSettings(config: Config): SentryFixSettingsSource {
  return sentryFixSettingsFrom({
    projects: config.SENTRY_PROJECTS ?? [],
    dryRun: config.SENTRY_DRY_RUN,
    sentryUrl: config.SENTRY_URL,
    gateExpiryDays: config.SENTRY_GATE_EXPIRY_DAYS,
    gateReminderHours: config.SENTRY_GATE_REMINDER_HOURS,
    pollIntervalSeconds: config.SENTRY_POLL_INTERVAL_SECONDS,
    agentTaskQueue: config.AGENT_TASK_QUEUE,
    agentTimeoutMs: config.AGENT_TIMEOUT_SECONDS * 1_000 + MAX_FIX_PROOF_MS,
    agentHeartbeatTimeoutMs: config.AGENT_HEARTBEAT_TIMEOUT_SECONDS * 1_000,
  });
}

/** The Sentry API client of this worker, when it has a token (SENTRY_TOKEN). */
export function sentryClientFromConfig(config: Config): SentryClient | undefined {
  return config.SENTRY_TOKEN ? createSentryClient({ baseUrl: config.SENTRY_URL, token: config.SENTRY_TOKEN }) : undefined;
}

/** The other credentials this worker holds: never kept in evidence or posted on Sentry, whatever an event carries. */
function otherSecrets(config: Config): string[] {
  const values = [
    config.GITLAB_TOKEN, config.GITLAB_CLONE_TOKEN, config.GITHUB_TOKEN, config.GITHUB_CLONE_TOKEN, config.GITHUB_APP_PRIVATE_KEY,
    config.ANTHROPIC_API_KEY, ...(config.SENTRY_CLIENT_SECRET ?? []), ...(config.GITLAB_WEBHOOK_SECRET ?? []), ...(config.GITHUB_WEBHOOK_SECRET ?? []),
  ];
  return values.filter((value): value is string => value !== undefined && value !== '');
}

type SentryApiActivities = Pick<SentryActivities, 'fetchSentryEvidence' | 'readSentryIssueStatus' | 'postSentryReport' | 'prepareFixDescription'>;

/**
 * Without SENTRY_TOKEN (a review-only deployment) the Sentry activities are still registered, so that a sentry-fix
 * workflow started anyway fails at once and says why, instead of retrying an activity no worker has.
 */
function unconfigured(): SentryApiActivities {
  const fail = (): never => {
    throw ApplicationFailure.create({
      type: 'ERR_SENTRY_NOT_CONFIGURED',
      message: 'the worker has no Sentry API token (SENTRY_TOKEN): it cannot read Sentry issues or comment on them',
      nonRetryable: true,
    });
  };
  return { fetchSentryEvidence: async () => fail(), readSentryIssueStatus: async () => fail(), postSentryReport: async () => fail(), prepareFixDescription: async () => fail() };
}

/** The Sentry API activities of the main worker: through `client` (default: from the configuration), or failing for good without one. */
export function sentryApiActivities(config: Config, claims: ClaimCheckStore, client = sentryClientFromConfig(config)): SentryApiActivities {
  if (!client) return unconfigured();
  return createSentryActivities({ client, claims, sentryUrl: config.SENTRY_URL, secrets: otherSecrets(config) });
}
