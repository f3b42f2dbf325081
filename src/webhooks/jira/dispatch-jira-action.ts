import type { JiraWebhookAction } from '../../domain/jira/ticket.js';
import { workflowIdFor, type SubjectRef } from '../../domain/subject-ref.js';
import type { Logger } from '../../logger.js';
import { nowhere, REDIS_TIMEOUT_MS, reply, WORKFLOW_TIMEOUT_MS, type Reply } from '../change-action.js';
import type { Claim, Dedupe } from '../dedupe.js';
import { actionKey, contentKey, deliveryKey } from '../dedupe-keys.js';
import { withTimeout } from '../with-timeout.js';

export type JiraReady = Extract<JiraWebhookAction, { kind: 'ready' }>;
export type JiraWithdrawn = Extract<JiraWebhookAction, { kind: 'withdrawn' }>;
export type JiraCommented = Extract<JiraWebhookAction, { kind: 'comment' }>;
type Acted = JiraReady | JiraWithdrawn | JiraCommented;

/**
 * The workflow layer as the Jira receiver sees it: one call per decided action, for the ticket's workflow
 * (`ticket:jira:<KEY>`). The Temporal implementation (signal-with-start on ready, signals otherwise) comes with the
 * ticket workflow; calls must be idempotent (the workflow id is the second line of defence against duplicates, and
 * with Redis down there is no first). Throws when the workflow service cannot be reached.
 */
export interface TicketStarter {
  /** The ticket entered the ready status: start its workflow (or tell the running one). */
  ready(action: JiraReady): Promise<void>;
  /** The ticket left the ready status or was deleted: its workflow stops and cleans up. */
  withdrawn(action: JiraWithdrawn): Promise<void>;
  /** A comment on the ticket: its running workflow reads it (answers, approvals); none running, it is dropped. */
  comment(action: JiraCommented): Promise<void>;
}

export interface JiraDispatchDeps {
  dedupe: Dedupe;
  tickets: TicketStarter;
}

const subjectOf = (action: Acted): Extract<SubjectRef, { kind: 'jira-ticket' }> => ({ kind: 'jira-ticket', key: action.key });

/**
 * What happened to the ticket, whatever delivery told of it: an update by its changelog id (Jira sends one update to
 * every matching webhook, each with its own identifier), a comment by its id (told both as `comment_created` and as
 * an `issue_commented` update to a webhook that listens to both), a deletion once.
 */
function happening(action: Acted): string {
  if (action.kind === 'comment') return `comment:${action.commentId}`;
  if (action.kind === 'withdrawn' && action.changelogId === undefined) return action.why;
  return `changelog:${action.changelogId}`;
}

/** The reply's reason: what was accepted. */
const reasonOf = (action: Acted) => (action.kind === 'withdrawn' ? action.why : action.kind);

/**
 * Carries out a decided Jira action: a Redis claim on (ticket, X-Atlassian-Webhook-Identifier), (ticket, changelog or
 * comment id) and (ticket, body digest) — a duplicate answers 200 and nothing is dispatched — then one call to the
 * TicketStarter (202 accepted). Redis down: no claim, the call is made anyway (the workflow id deduplicates). The call
 * failing or timing out: the claim is released and 503 asks Jira for a redelivery.
 */
export async function dispatchJiraAction(action: JiraWebhookAction, deps: JiraDispatchDeps, log: Logger, deliveryId: string, digest: string): Promise<Reply> {
  if (action.kind === 'ignore') {
    log.info({ reason: action.reason }, 'jira event ignored');
    return reply(202, { status: 'ignored', reason: action.reason });
  }
  const subject = subjectOf(action);
  const what = happening(action);
  const keys = [deliveryKey(subject, deliveryId, 'jira'), actionKey(subject, what), contentKey(subject, digest)];
  let claim: Claim | undefined;
  try {
    claim = await withTimeout(() => deps.dedupe.claim(keys), REDIS_TIMEOUT_MS, 'redis claim');
  } catch (error) {
    log.warn({ err: error, key: action.key }, 'dedupe store unavailable: accepting without a claim (the workflow id deduplicates)');
  }
  if (claim?.claimed === false) {
    log.info({ key: action.key, action: what }, 'duplicate delivery');
    return reply(200, { status: 'duplicate' });
  }

  try {
    await withTimeout(() => call(deps.tickets, action), WORKFLOW_TIMEOUT_MS, `jira ${action.kind} to the ticket workflow`);
  } catch (error) {
    log.error({ err: error, key: action.key, action: what }, 'jira action not handed over; releasing it for redelivery');
    await withTimeout(async () => claim?.release(), REDIS_TIMEOUT_MS, 'redis release').catch((releaseError: unknown) => {
      log.error({ err: releaseError, key: action.key }, 'could not release the dedupe claim; redeliveries are duplicates until it expires');
    });
    return nowhere;
  }
  log.info({ key: action.key, action: what }, 'jira action handed over');
  return reply(202, { status: 'accepted', reason: reasonOf(action), workflowId: workflowIdFor('ticket', subject) });
}

function call(tickets: TicketStarter, action: Acted): Promise<void> {
  switch (action.kind) {
    case 'ready':
      return tickets.ready(action);
    case 'withdrawn':
      return tickets.withdrawn(action);
    case 'comment':
      return tickets.comment(action);
  }
}
