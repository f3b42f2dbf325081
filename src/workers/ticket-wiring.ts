import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../config.js';
import type { ClaimCheckStore } from '../activities/claim-check/claim-check-store.js';
import type { ForgeRegistry } from '../activities/forge-activities.js';
import type { JiraApi } from '../activities/jira/jira-api.js';
import { createJiraClient } from '../activities/jira/jira-client.js';
import { jiraSite, type JiraAuth } from '../activities/jira/jira-http.js';
import { createTicketActivities } from '../activities/jira/ticket-activities.js';
import type { TicketActivities } from '../activities/jira/ticket-contracts.js';

/** forgebot's Jira credential from the configuration (validated there: one kind, with a site). */
function jiraAuthOf(config: Config): JiraAuth | undefined {
  if (config.JIRA_TOKEN) return { type: 'bearer', token: config.JIRA_TOKEN };
  if (config.JIRA_EMAIL && config.JIRA_API_TOKEN) return { type: 'basic', email: config.JIRA_EMAIL, apiToken: config.JIRA_API_TOKEN };
  return undefined;
}

/** The Jira API client of this worker, when it has a site and a credential (JIRA_URL with JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_TOKEN). */
export function jiraClientFromConfig(config: Config): JiraApi | undefined {
  const auth = jiraAuthOf(config);
  if (!config.JIRA_URL || !auth) return undefined;
  return createJiraClient({ baseUrl: config.JIRA_URL, auth, ...(config.JIRA_ACCEPTANCE_FIELD ? { acceptanceCriteriaField: config.JIRA_ACCEPTANCE_FIELD } : {}) });
}

/**
 * Without a Jira connection (a deployment without tickets) the ticket activities are still registered, so that a
 * ticket workflow started anyway fails at once and says why, instead of retrying an activity no worker has.
 */
function unconfigured(): TicketActivities {
  const fail = async (): Promise<never> => {
    throw ApplicationFailure.create({
      type: 'ERR_JIRA_NOT_CONFIGURED',
      message: 'the worker has no Jira connection (JIRA_URL with JIRA_EMAIL + JIRA_API_TOKEN, or JIRA_TOKEN): it cannot read tickets or comment on them',
      nonRetryable: true,
    });
  };
  return {
    readTicketForWork: fail, readTicketComments: fail, checkTicketPermission: fail, commentOnTicket: fail, transitionTicket: fail,
    openPlanChange: fail, describeTicketChange: fail, commitTicketWork: fail,
  };
}

/**
 * The ticket workflow's activities of the main worker: through `jira` (default: from the configuration), the forges'
 * write side and the claim store; failing for good without a Jira connection.
 */
export function ticketActivities(config: Config, deps: { forges: ForgeRegistry; claims: ClaimCheckStore }, jira = jiraClientFromConfig(config)): TicketActivities {
  if (!jira) return unconfigured();
  return createTicketActivities({
    jira,
    forges: deps.forges,
    claims: deps.claims,
    mappings: config.JIRA_REPOSITORIES ?? [],
    readyStatus: config.JIRA_READY_STATUS,
    trigger: config.COMMAND_TRIGGER,
    ...(config.JIRA_URL ? { jiraUrl: jiraSite(config.JIRA_URL) } : {}),
  });
}
