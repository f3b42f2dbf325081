import { DEFAULT_COMMAND_TRIGGER } from '../../domain/command-parser.js';
import { findTicketMapping, type JiraRepositoryMapping } from '../../domain/jira/ticket-mapping.js';
import type { JiraStatus, JiraTicket, JiraUser } from '../../domain/jira/ticket.js';
import type { ClaimCheckStore } from '../claim-check/claim-check-store.js';
import { withTypedFailures } from '../failures.js';
import type { ForgeRegistry } from '../forge-activities.js';
import { commentIntent } from './comment-intent.js';
import { commentMarkOf } from './comment-mark.js';
import type { JiraApi } from './jira-api.js';
import { renderRequirements } from './requirements.js';
import { renderTicketNote, type NoteMaterial } from './render-ticket-note.js';
import { createTicketChangeActivities, planOf, workOf } from './ticket-change.js';
import type { TicketActivities, TicketCommentRead, TicketDigest, TicketNote, TicketReading } from './ticket-contracts.js';
import { UNKNOWN_AUTHOR } from './ticket-from-issue.js';

export interface TicketActivityDeps {
  jira: JiraApi;
  forges: ForgeRegistry;
  claims: ClaimCheckStore;
  /** JIRA_REPOSITORIES. */
  mappings: readonly JiraRepositoryMapping[];
  /** JIRA_READY_STATUS: a status id or name (any case). */
  readyStatus: string;
  /** COMMAND_TRIGGER (default `/claude`): `<trigger> approve` in a Jira comment, and named in what forgebot posts. */
  trigger?: string;
  /** JIRA_URL: the ticket's link in change descriptions. */
  jiraUrl?: string;
}

/** A comment's text as the workflow keeps it. */
export const MAX_COMMENT_TEXT_CHARS = 5_000;

const fold = (value: string) => value.trim().normalize('NFC').toLowerCase();

/** Whether `status` is the configured ready status: its id, or its name in any case (as the webhook decides). */
export function isReadyStatus(status: JiraStatus, readyStatus: string): boolean {
  const wanted = readyStatus.trim();
  return status.id === wanted || fold(status.name) === fold(wanted);
}

const listed = (values: readonly string[]) => (values.length === 0 ? 'none' : values.map((value) => JSON.stringify(value)).join(', '));

/** Why no mapping of JIRA_REPOSITORIES takes the ticket: its project, or its label / component, named. */
export function unmappedReason(ticket: Pick<JiraTicket, 'projectKey' | 'labels' | 'components'>, mappings: readonly JiraRepositoryMapping[]): string {
  const ofProject = mappings.filter((mapping) => mapping.jiraProject === ticket.projectKey.toUpperCase());
  if (ofProject.length === 0) return `no entry of the JIRA_REPOSITORIES setting maps the Jira project ${ticket.projectKey} to a repository.`;
  const wants = ofProject.map((mapping) => [mapping.label && `label ${JSON.stringify(mapping.label)}`, mapping.component && `component ${JSON.stringify(mapping.component)}`].filter(Boolean).join(' and '));
  return (
    `the JIRA_REPOSITORIES setting maps the Jira project ${ticket.projectKey} only for tickets with ${wants.join(', or ')}; ` +
    `this ticket has the labels ${listed(ticket.labels)} and the components ${listed(ticket.components)}.`
  );
}

function digestOf(ticket: JiraTicket, readyStatus: string): TicketDigest {
  const { key, projectKey, summary, status, webUrl, labels, components } = ticket;
  return { key, projectKey, summary, status, inReady: isReadyStatus(status, readyStatus), webUrl, labels, components };
}

/**
 * The ticket workflow's activities on the main task queue (TicketActivities): Jira through `JiraApi` (re-read at each
 * step: a delivery's word is never enough), the forge through its write token, large text behind claim checks. Every
 * failure is typed (JiraError and ForgeError codes: permanent or retried, Retry-After kept).
 */
export function createTicketActivities(deps: TicketActivityDeps): TicketActivities {
  const trigger = deps.trigger ?? DEFAULT_COMMAND_TRIGGER;
  const change = createTicketChangeActivities({ forges: deps.forges, claims: deps.claims, mappings: deps.mappings, trigger, ...(deps.jiraUrl ? { jiraUrl: deps.jiraUrl } : {}) });
  // forgebot's own account, asked once per worker (it does not change while the token stays the same).
  let me: Promise<JiraUser> | undefined;
  const myself = () => {
    me ??= deps.jira.myself().catch((error: unknown) => {
      me = undefined;
      throw error;
    });
    return me;
  };

  function mappingOf(ticket: JiraTicket): { mapping: JiraRepositoryMapping } | { unmappedReason: string } {
    const mapping = findTicketMapping(deps.mappings, ticket);
    if (!mapping) return { unmappedReason: unmappedReason(ticket, deps.mappings) };
    if (!deps.forges[mapping.forge]) {
      return { unmappedReason: `the JIRA_REPOSITORIES setting maps it to ${mapping.projectPath} on ${mapping.forge === 'gitlab' ? 'GitLab' : 'GitHub'}, but forgebot has no connection to that forge.` };
    }
    return { mapping };
  }

  async function materialOf(note: TicketNote): Promise<NoteMaterial> {
    if (note.kind === 'plan' || note.kind === 'questions') return { plan: await planOf(deps.claims, note.planClaim) };
    if (note.kind === 'implemented') return { work: await workOf(deps.claims, note.workClaim) };
    if (note.kind === 'not-pushed' && note.workClaim) return { work: await workOf(deps.claims, note.workClaim) };
    return {};
  }

  return {
    readTicketForWork: (key) =>
      withTypedFailures(async (): Promise<TicketReading> => {
        const ticket = await deps.jira.getTicket(key);
        if (!ticket) return { kind: 'gone' };
        const requirementsClaim = await deps.claims.put('ticket-requirements', new TextEncoder().encode(renderRequirements(ticket)));
        return {
          kind: 'found',
          ticket: digestOf(ticket, deps.readyStatus),
          ...mappingOf(ticket),
          requirementsClaim,
          acceptanceCriteria: ticket.acceptanceCriteria?.source ?? 'none',
        };
      }),

    readTicketComments: (key, afterId) =>
      withTypedFailures(async (): Promise<TicketCommentRead[]> => {
        const [own, comments] = await Promise.all([myself(), deps.jira.listComments(key, afterId)]);
        return comments.map((comment) => {
          const byForgebot = comment.author.accountId === own.accountId;
          // forgebot's own words never approve or revise anything, whatever they say.
          const read = byForgebot ? ({ intent: 'answer' } as const) : commentIntent(comment.body, trigger);
          const text = read.intent === 'revise' ? read.feedback : comment.body;
          return { id: comment.id, author: comment.author, byForgebot, intent: read.intent, text: text.slice(0, MAX_COMMENT_TEXT_CHARS) };
        });
      }),

    checkTicketPermission: (key, accountId, permission) =>
      withTypedFailures(async () => {
        // Nobody Jira names, and forgebot itself, hold no permission to decide for people.
        if (accountId === UNKNOWN_AUTHOR.accountId || accountId === (await myself()).accountId) return false;
        return deps.jira.userHasPermission(key, { accountId }, permission);
      }),

    commentOnTicket: (key, note) =>
      withTypedFailures(async () => {
        const markdown = renderTicketNote(note, await materialOf(note), { trigger, readyStatus: deps.readyStatus });
        const mark = commentMarkOf(note);
        if (!mark) return deps.jira.addComment(key, markdown);
        // A retry whose first attempt's comment reached Jira (its answer lost) finds it, and posts nothing.
        if (mark.retry) {
          const posted = await deps.jira.findMarkedComment(key, mark.mark, (await myself()).accountId);
          if (posted) return posted;
        }
        return deps.jira.addComment(key, markdown, { mark: mark.mark, intent: mark.intent });
      }),

    transitionTicket: (key, statusName) => withTypedFailures(() => deps.jira.transitionTo(key, statusName)),

    openPlanChange: (input) => withTypedFailures(() => change.openPlanChange(input)),
    describeTicketChange: (ref, input) => withTypedFailures(() => change.describeTicketChange(ref, input)),
    commitTicketWork: (input) => withTypedFailures(() => change.commitTicketWork(input)),
  };
}
