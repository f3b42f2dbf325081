import type { TicketNote } from '../../activities/jira/ticket-contracts.js';
import { subjectKey } from '../../domain/subject-ref.js';
import type { AuditFact } from '../audit-event.js';
import { action, onChange, onRepository, type RowMappers } from './call.js';

const onTicket = (key: string): Pick<AuditFact, 'target' | 'subject'> => ({ target: 'jira', subject: subjectKey({ kind: 'jira-ticket', key }) });

/** The plan version a ticket note names, and the change it links (never its text). */
function noteFacts(note: TicketNote): Pick<AuditFact, 'url'> & { version?: number } {
  return {
    ...('changeUrl' in note && note.changeUrl ? { url: note.changeUrl } : {}),
    ...('version' in note ? { version: note.version } : {}),
  };
}

/** What forgebot says on Sentry issues, and does on Jira tickets and their changes (the ticket workflow). */
export const trackerRows = {
  postSentryReport: ({ args: [input], result }) => [
    action('sentry-comment-posted', { target: 'sentry', subject: subjectKey({ kind: 'sentry-issue', org: input.org, issueId: input.issueId }) }, {
      outcome: input.report.kind,
      ...('webUrl' in input.report && input.report.webUrl ? { url: input.report.webUrl } : {}),
      details: { commentId: result.commentId },
    }),
  ],
  commentOnTicket: ({ args: [key, note], result }) => {
    const { version, ...url } = noteFacts(note);
    return [action('jira-comment-posted', onTicket(key), { outcome: note.kind, ...url, details: { commentId: result.id, planVersion: version } })];
  },
  transitionTicket: ({ args: [key, statusName], result: moved }) => (moved ? [action('jira-ticket-transitioned', onTicket(key), { outcome: 'moved', details: { to: statusName } })] : []),
  openPlanChange: ({ args: [input], result }) => [
    action('branch-pushed', { ...onRepository(input.repo), ...onChange(result.change.ref) }, { details: { branch: result.branch, headSha: result.headSha, baseSha: input.baseSha, ticket: input.key } }),
    action('change-opened', onChange(result.change.ref), { url: result.change.webUrl, details: { number: result.change.ref.number, draft: true, ticket: input.key, planVersion: input.version } }),
  ],
  describeTicketChange: ({ args: [ref, input] }) => [
    action('change-description-edited', onChange(ref), { outcome: input.workClaim ? 'implementation' : 'plan', details: { ticket: input.key, planVersion: input.version } }),
  ],
  commitTicketWork: ({ args: [input], result }) => [action('branch-pushed', onRepository(input.repo), { details: { branch: input.branch, commitSha: result.sha, parentSha: input.parentSha } })],
} satisfies RowMappers;
