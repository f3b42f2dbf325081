import { IssueKey, JiraComment, JiraTicket, type JiraUser } from '../../domain/jira/ticket.js';
import { acceptanceCriteriaOf } from './acceptance-criteria.js';
import { richTextToMarkdown } from './adf-to-markdown.js';
import type { JiraApiComment, JiraApiIssue, JiraApiUser } from './jira-api-schemas.js';

// Jira's answers as forgebot's domain types, every text cut to the domain's limits (all of it is untrusted).

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A user by Cloud's account id (Server/DC: the user key, else the name); undefined when it has none. */
export function userFromApi(user: JiraApiUser | null | undefined): JiraUser | undefined {
  const accountId = user?.accountId ?? user?.key ?? user?.name;
  if (!accountId || accountId.length > 128) return undefined;
  return { accountId, displayName: clip(user?.displayName ?? accountId, 255) };
}

/** The fields `ticketFromIssue` reads (for `?fields=`), the acceptance-criteria field added when configured. */
export function ticketFields(acceptanceCriteriaField?: string): string {
  const fields = ['summary', 'description', 'status', 'issuetype', 'project', 'labels', 'components', 'reporter', 'assignee', 'issuelinks', 'attachment'];
  return [...fields, ...(acceptanceCriteriaField ? [acceptanceCriteriaField] : [])].join(',');
}

/** The issue as a JiraTicket: description and rich text as Markdown, links worded as Jira words them, attachments listed. */
export function ticketFromIssue(issue: JiraApiIssue, site: string, acceptanceCriteriaField?: string): JiraTicket {
  const { fields } = issue;
  const links = (fields.issuelinks ?? []).flatMap((link) => {
    const outward = link.outwardIssue !== undefined;
    const other = link.outwardIssue ?? link.inwardIssue;
    if (!other || !IssueKey.safeParse(other.key).success) return [];
    const relation = (outward ? link.type.outward : link.type.inward) ?? link.type.name ?? 'relates to';
    return [{ relation: clip(relation, 255), key: other.key, summary: clip(other.fields?.summary ?? '', 1_000) }];
  });
  const reporter = userFromApi(fields.reporter);
  const assignee = userFromApi(fields.assignee);
  const criteria = acceptanceCriteriaOf(fields.description, acceptanceCriteriaField ? fields[acceptanceCriteriaField] : undefined);
  return JiraTicket.parse({
    key: issue.key,
    id: issue.id,
    projectKey: clip(fields.project.key, 40),
    summary: clip(fields.summary, 1_000),
    description: clip(richTextToMarkdown(fields.description), 200_000),
    ...(criteria ? { acceptanceCriteria: criteria } : {}),
    status: { id: clip(fields.status.id, 40), name: clip(fields.status.name, 255) },
    issueType: clip(fields.issuetype?.name ?? '', 255),
    labels: (fields.labels ?? []).slice(0, 100).map((label) => clip(label, 255)),
    components: (fields.components ?? []).slice(0, 100).map((component) => clip(component.name, 255)),
    ...(reporter ? { reporter } : {}),
    ...(assignee ? { assignee } : {}),
    links: links.slice(0, 100),
    attachments: (fields.attachment ?? []).slice(0, 200).map((file) => ({ filename: clip(file.filename, 255), size: file.size, mimeType: clip(file.mimeType ?? 'application/octet-stream', 255) })),
    webUrl: `${site}/browse/${issue.key}`,
  });
}

/** A comment whose author Jira does not name (anonymous, or a deleted account): never anyone's approval. */
export const UNKNOWN_AUTHOR: JiraUser = { accountId: 'unknown', displayName: 'Unknown user' };

export function commentFromApi(comment: JiraApiComment): JiraComment {
  return JiraComment.parse({
    id: comment.id,
    author: userFromApi(comment.author) ?? UNKNOWN_AUTHOR,
    body: clip(richTextToMarkdown(comment.body), 100_000),
    created: clip(comment.created, 40),
  });
}
