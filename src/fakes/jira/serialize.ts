import type { FakeJiraAttachment, FakeJiraComment, FakeJiraIssue, FakeJiraState, FakeJiraUser } from './state.js';
import type { FakeJiraStatus } from './workflow.js';

// Objects as Jira Cloud's REST API v3 writes them, with the fields its reference shows (and the webhook fixtures in
// ../shared/fixtures/webhooks/jira confirm). `base` is the fake's URL, where Jira would put the site's.

/** Jira's timestamps: milliseconds and a numeric offset without a colon (`2024-01-08T09:00:00.000+0000`). */
export const jiraTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const avatarUrls = (seed: string) =>
  Object.fromEntries(['48x48', '24x24', '16x16', '32x32'].map((size) => [size, `https://avatar-management.example/initials/${encodeURIComponent(seed)}-${size}.png`]));

export function serializeUser(base: string, user: FakeJiraUser) {
  return {
    self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(user.accountId)}`,
    accountId: user.accountId,
    accountType: user.accountType,
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrls(user.displayName),
    displayName: user.displayName,
    active: user.active,
    timeZone: 'Etc/UTC',
  };
}

const CATEGORIES = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

export function serializeStatus(base: string, status: FakeJiraStatus) {
  const category = CATEGORIES[status.category];
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    description: '',
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: { self: `${base}/rest/api/3/statuscategory/${category.id}`, ...category },
  };
}

function serializeAttachment(base: string, attachment: FakeJiraAttachment, author: ReturnType<typeof serializeUser> | null, created: number) {
  return {
    self: `${base}/rest/api/3/attachment/${attachment.id}`,
    id: attachment.id,
    filename: attachment.filename,
    author,
    created: jiraTime(created),
    size: attachment.size,
    mimeType: attachment.mimeType,
    content: `${base}/rest/api/3/attachment/content/${attachment.id}`,
  };
}

/** The linked issue as an issue link embeds it: key and a few fields. */
function linkedIssue(base: string, state: FakeJiraState, key: string) {
  const issue = state.issue(key);
  if (!issue) return { key };
  return { id: issue.id, key: issue.key, self: `${base}/rest/api/3/issue/${issue.id}`, fields: { summary: issue.summary, status: serializeStatus(base, state.status(issue.statusId)) } };
}

/** Every field of the issue by id, as `GET /rest/api/3/issue/{key}` writes them (null where empty). */
export function issueFields(base: string, state: FakeJiraState, issue: FakeJiraIssue): Record<string, unknown> {
  const user = (accountId: string | undefined) => {
    const found = accountId === undefined ? undefined : state.users.get(accountId);
    return found ? serializeUser(base, found) : null;
  };
  const project = state.projects.get(issue.projectKey);
  return {
    summary: issue.summary,
    description: issue.description ?? null,
    status: serializeStatus(base, state.status(issue.statusId)),
    issuetype: { self: `${base}/rest/api/3/issuetype/10001`, id: '10001', description: '', name: issue.issueType, subtask: false, hierarchyLevel: 0 },
    project: { self: `${base}/rest/api/3/project/${project?.id ?? ''}`, id: project?.id ?? '', key: issue.projectKey, name: project?.name ?? issue.projectKey, projectTypeKey: 'software', simplified: false },
    labels: issue.labels,
    components: issue.components.map((name, i) => ({ self: `${base}/rest/api/3/component/${10_100 + i}`, id: String(10_100 + i), name })),
    reporter: user(issue.reporterId),
    assignee: user(issue.assigneeId),
    issuelinks: state.linksOf(issue.key).map((link) => ({
      id: link.id,
      self: `${base}/rest/api/3/issueLink/${link.id}`,
      type: { id: link.type.id, name: link.type.name, inward: link.type.inward, outward: link.type.outward, self: `${base}/rest/api/3/issueLinkType/${link.type.id}` },
      ...(link.sourceKey === issue.key ? { outwardIssue: linkedIssue(base, state, link.targetKey) } : { inwardIssue: linkedIssue(base, state, link.sourceKey) }),
    })),
    attachment: issue.attachments.map((attachment) => serializeAttachment(base, attachment, user(issue.reporterId), issue.created)),
    created: jiraTime(issue.created),
    updated: jiraTime(issue.updated),
    ...issue.customFields,
  };
}

/** The issue with the requested fields only (`fields=a,b`; absent, `*all` or `*navigable`: every field). */
export function serializeIssue(base: string, state: FakeJiraState, issue: FakeJiraIssue, fields: string | undefined) {
  const all = issueFields(base, state, issue);
  const wanted = (fields ?? '*all').split(',').map((field) => field.trim()).filter(Boolean);
  const every = wanted.some((field) => field === '*all' || field === '*navigable');
  const excluded = new Set(wanted.filter((field) => field.startsWith('-')).map((field) => field.slice(1)));
  const picked = Object.fromEntries(Object.entries(all).filter(([name]) => !excluded.has(name) && (every || wanted.includes(name))));
  // A custom field asked for but never set is answered as null, like Jira's empty fields.
  for (const name of wanted) if (/^customfield_\d+$/.test(name) && !(name in picked)) picked[name] = null;
  return { expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations', id: issue.id, self: `${base}/rest/api/3/issue/${issue.id}`, key: issue.key, fields: picked };
}

/** A comment as Jira writes it; with `expand=properties` (where the endpoint offers it), its entity properties too. */
export function serializeComment(base: string, state: FakeJiraState, issue: FakeJiraIssue, comment: FakeJiraComment, expand = '') {
  const author = state.users.get(comment.authorId);
  const user = author ? serializeUser(base, author) : undefined;
  const withProperties = expand.split(',').map((item) => item.trim()).includes('properties');
  return {
    self: `${base}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    ...(user ? { author: user, updateAuthor: user } : {}),
    body: comment.body,
    created: jiraTime(comment.created),
    updated: jiraTime(comment.created),
    jsdPublic: true,
    ...(withProperties ? { properties: [...(comment.properties ?? new Map<string, unknown>())].map(([key, value]) => ({ key, value })) } : {}),
  };
}
