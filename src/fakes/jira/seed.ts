import type { FakeJiraIssue, FakeJiraLinkType, FakeJiraState } from './state.js';

/** Jira's default issue link types. */
export const LINK_TYPES = {
  Blocks: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
  Cloners: { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
  Duplicate: { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
  Relates: { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
} satisfies Record<string, FakeJiraLinkType>;

export interface AddIssue {
  project: string;
  /** Default: the project's next number. */
  key?: string;
  summary: string;
  /** An ADF document (Cloud), a string (Server/DC wiki text), or absent. */
  description?: unknown;
  /** A status name of the workflow (default: its initial status). */
  status?: string;
  issueType?: string;
  labels?: string[];
  components?: string[];
  /** Account ids. */
  reporter?: string;
  assignee?: string;
  /** `outward: 'X-2'`: this issue <type.outward> X-2 (it "blocks" X-2); `inward`: X-2 <type.outward> this issue. */
  links?: { type?: keyof typeof LINK_TYPES | FakeJiraLinkType; outward?: string; inward?: string }[];
  attachments?: { filename: string; size: number; mimeType?: string }[];
  /** Custom fields by id, as the API returns their values (a rich-text field holds ADF). */
  fields?: Record<string, unknown>;
}

/** Adds an issue to a known project; linked issues must exist already. */
export function addIssue(state: FakeJiraState, issue: AddIssue, now: number): FakeJiraIssue {
  if (!state.projects.has(issue.project)) throw new Error(`fake Jira: no project ${issue.project}`);
  const number = 1 + [...state.issues.values()].filter((existing) => existing.projectKey === issue.project).length;
  const key = issue.key ?? `${issue.project}-${number}`;
  const status = issue.status === undefined ? state.workflow.initial : state.workflow.statuses.find((candidate) => candidate.name === issue.status)?.id;
  if (status === undefined) throw new Error(`fake Jira: no status ${String(issue.status)}`);
  for (const accountId of [issue.reporter, issue.assignee]) if (accountId !== undefined && !state.users.has(accountId)) throw new Error(`fake Jira: no user ${accountId}`);
  const added: FakeJiraIssue = {
    id: state.id(),
    key,
    projectKey: issue.project,
    summary: issue.summary,
    description: issue.description ?? null,
    statusId: status,
    issueType: issue.issueType ?? 'Story',
    labels: issue.labels ?? [],
    components: issue.components ?? [],
    ...(issue.reporter !== undefined ? { reporterId: issue.reporter } : {}),
    ...(issue.assignee !== undefined ? { assigneeId: issue.assignee } : {}),
    attachments: (issue.attachments ?? []).map((file) => ({ id: state.id(), filename: file.filename, size: file.size, mimeType: file.mimeType ?? 'application/octet-stream' })),
    customFields: issue.fields ?? {},
    created: now,
    updated: now,
  };
  state.issues.set(key, added);
  for (const link of issue.links ?? []) {
    const type = typeof link.type === 'object' ? link.type : LINK_TYPES[link.type ?? 'Relates'];
    const other = link.outward ?? link.inward;
    if (other === undefined || !state.issue(other)) throw new Error(`fake Jira: link to an unknown issue ${String(other)}`);
    state.links.push({ id: state.id(), type, sourceKey: link.outward !== undefined ? key : other, targetKey: link.outward !== undefined ? other : key });
  }
  return added;
}
