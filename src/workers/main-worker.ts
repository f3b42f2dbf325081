import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { WorkerAudit } from '../audit/wiring.js';
import type { Config } from '../config.js';
import { createAuthorActivities, type AuthorActivities } from '../activities/author-activities.js';
import type { ClaimCheckStore } from '../activities/claim-check/claim-check-store.js';
import { createContributorActivities, type ContributorActivities } from '../activities/contributor-activities.js';
import { createForgeActivities, type ForgeActivities, type ForgeRegistry } from '../activities/forge-activities.js';
import { createFindingOutcomeActivities, type FindingOutcomeActivities } from '../activities/finding-outcomes/finding-outcome-activities.js';
import { createNoMemoryStore } from '../audit/memory/review-memory-store.js';
import { createNoAuditStore } from '../audit/audit-store.js';
import { createGateAuditActivities, type GateAuditActivities } from '../audit/gate-decision-activities.js';
import { createRepositoryActivities } from '../activities/repository-activities.js';
import { createRunSettingsActivities, type RunSettingsActivities } from '../activities/run-settings-activities.js';
import { createAttemptCountActivities } from '../activities/sentry/attempt-count-activities.js';
import type { AttemptActivities, RepositoryActivities, SentryActivities } from '../activities/sentry/contracts.js';
import type { SentryClient } from '../activities/sentry/sentry-client.js';
import { createSentrySettingsActivities } from '../activities/sentry/settings-activities.js';
import { runSettings } from './review-settings.js';
import { sentryApiActivities, sentryClientFromConfig, sentryFixSettings } from './sentry-fix-wiring.js';
import { workflowBundle } from './workflow-source.js';
import { createCommandActivities, type CommandActivities } from '../activities/command-activities.js';
import type { CommandBudget } from '../activities/commands/command-budget.js';
import type { JiraApi } from '../activities/jira/jira-api.js';
import type { TicketActivities } from '../activities/jira/ticket-contracts.js';
import { jiraClientFromConfig, ticketActivities } from './ticket-wiring.js';

/**
 * The worker on the main task queue: every workflow, and the light activities (forge reads and writes, the run
 * settings workflows read at each turn, from this worker's configuration). The sentry-fix workflow's are always
 * registered; without SENTRY_TOKEN its Sentry ones fail for good, saying so (a review-only deployment is unaffected).
 * So are the ticket workflow's, failing for good without a Jira connection.
 */
export async function createMainWorker(deps: {
  config: Config;
  connection: NativeConnection;
  forges: ForgeRegistry;
  /** Where agent outputs are kept (the agent worker's store: the same one). */
  claims: ClaimCheckStore;
  /** The Sentry API (default: from SENTRY_URL and SENTRY_TOKEN; none without a token). */
  sentry?: SentryClient;
  /** The Jira API (default: from JIRA_URL and its credential; none without them: the ticket activities fail for good). */
  jira?: JiraApi;
  /** The audit trail: its interceptor records what the activities did (absent: none). */
  audit?: WorkerAudit;
  /** Per-person limits of token-costing commands across changes (command-budget-wiring.ts; absent: each change's own only). */
  commandBudget?: CommandBudget;
}): Promise<Worker> {
  const { config, forges, claims } = deps;
  // The daily cap of fix attempts counts workflows through visibility: a client on the worker's own connection.
  const client = new Client({ connection: deps.connection, namespace: config.TEMPORAL_NAMESPACE });
  // Checked against what the workflows call (src/workflows/**/activities.ts): a missing one is a type error here.
  const memory = deps.audit?.store.memory ?? createNoMemoryStore();
  // `/claude learn` says learnings are not enabled without an audit database, rather than pretending to keep them.
  const learnings = deps.audit && deps.audit.store.kind !== 'off' ? { memory: deps.audit.store.memory } : {};
  const activities = {
    ...createForgeActivities({ forges, claims, memory }),
    ...createFindingOutcomeActivities({ forges, memory }),
    ...createAuthorActivities({ forges, claims }),
    ...createRunSettingsActivities(runSettings(config)),
    ...createRepositoryActivities({ forges }),
    ...createContributorActivities({ forges }),
    ...createSentrySettingsActivities(sentryFixSettings(config)),
    ...createAttemptCountActivities({ client }),
    ...sentryApiActivities(config, claims, deps.sentry ?? sentryClientFromConfig(config)),
    ...createCommandActivities({ forges, client, claims, trigger: config.COMMAND_TRIGGER, approveAccess: config.COMMAND_APPROVE_ACCESS, ...(deps.commandBudget ? { budget: deps.commandBudget } : {}), ...learnings }),
    ...ticketActivities(config, { forges, claims }, deps.jira ?? jiraClientFromConfig(config)),
    ...createGateAuditActivities({ store: deps.audit?.store ?? createNoAuditStore() }),
  } satisfies GateAuditActivities & ForgeActivities & FindingOutcomeActivities & AuthorActivities & RunSettingsActivities & RepositoryActivities & SentryActivities & AttemptActivities & CommandActivities & TicketActivities & ContributorActivities;
  return Worker.create({
    connection: deps.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities,
    ...(deps.audit ? { interceptors: { activity: [deps.audit.interceptor] } } : {}),
  });
}
