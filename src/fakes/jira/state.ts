import { canonicalPermission } from './permissions.js';
import { DEFAULT_WORKFLOW, type FakeJiraWorkflow } from './workflow.js';

/** An Atlassian account (a person, or the account forgebot's API token belongs to). */
export interface FakeJiraUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  accountType: 'atlassian' | 'app' | 'customer';
  active: boolean;
}

/** A credential the fake accepts: an API token (Basic, with the account's email) and/or a bearer token. */
export interface FakeJiraToken {
  token: string;
  accountId: string;
  kinds: ('basic' | 'bearer')[];
}

export interface FakeJiraProject {
  id: string;
  key: string;
  name: string;
  /** The permission scheme, resolved: project permission key → the accounts that hold it. */
  grants: Map<string, Set<string>>;
}

/** A link type as Jira names it both ways (`Blocks`: "blocks" / "is blocked by"). */
export interface FakeJiraLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

/** "`source` <type.outward> `target`": the source lists it as an outward link, the target as an inward one. */
export interface FakeJiraLink {
  id: string;
  type: FakeJiraLinkType;
  sourceKey: string;
  targetKey: string;
}

export interface FakeJiraAttachment {
  id: string;
  filename: string;
  size: number;
  mimeType: string;
}

export interface FakeJiraIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  /** ADF (Cloud), a string (as Server/DC keeps wiki text), or null. */
  description: unknown;
  statusId: string;
  issueType: string;
  labels: string[];
  components: string[];
  reporterId?: string;
  assigneeId?: string;
  attachments: FakeJiraAttachment[];
  /** Custom fields by id (`customfield_10050`), as the API returns their values. */
  customFields: Record<string, unknown>;
  created: number;
  updated: number;
}

export interface FakeJiraComment {
  id: string;
  issueId: string;
  authorId: string;
  /** ADF as posted (or a string, as Server/DC keeps wiki text). */
  body: unknown;
  /** Milliseconds since the epoch. */
  created: number;
  /** Its entity properties (set on create, or `PUT /comment/{id}/properties/{key}`): key → JSON value. */
  properties?: Map<string, unknown>;
}

/** A transition made through the API, for assertions. */
export interface FakeJiraTransitionRecord {
  key: string;
  from: string;
  to: string;
  by: string;
}

/** What the fake holds. Tests seed it through FakeJira; the routes read and change it. */
export class FakeJiraState {
  readonly users = new Map<string, FakeJiraUser>();
  readonly tokens: FakeJiraToken[] = [];
  readonly projects = new Map<string, FakeJiraProject>();
  readonly issues = new Map<string, FakeJiraIssue>();
  readonly links: FakeJiraLink[] = [];
  readonly comments: FakeJiraComment[] = [];
  readonly transitions: FakeJiraTransitionRecord[] = [];
  /** Accounts with the global Administer Jira permission. */
  readonly admins = new Set<string>();
  workflow: FakeJiraWorkflow = DEFAULT_WORKFLOW;
  private nextId = 10_000;

  id(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  /** An issue by key or id (Jira accepts either in a path). */
  issue(keyOrId: string): FakeJiraIssue | undefined {
    const byKey = this.issues.get(keyOrId.toUpperCase());
    if (byKey) return byKey;
    for (const issue of this.issues.values()) if (issue.id === keyOrId) return issue;
    return undefined;
  }

  /** Whether the account holds the project permission (deprecated keys such as `BROWSE` read as their successors). */
  can(accountId: string, projectKey: string, permission: string): boolean {
    return this.projects.get(projectKey)?.grants.get(canonicalPermission(permission))?.has(accountId) ?? false;
  }

  /** The issue's comments in creation order. */
  commentsOf(issueId: string): FakeJiraComment[] {
    return this.comments.filter((comment) => comment.issueId === issueId).sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
  }

  /** A comment by id, with its issue. */
  comment(id: string): { comment: FakeJiraComment; issue: FakeJiraIssue } | undefined {
    const comment = this.comments.find((candidate) => candidate.id === id);
    const issue = comment && [...this.issues.values()].find((candidate) => candidate.id === comment.issueId);
    return comment && issue ? { comment, issue } : undefined;
  }

  linksOf(key: string): FakeJiraLink[] {
    return this.links.filter((link) => link.sourceKey === key || link.targetKey === key);
  }

  status(id: string) {
    const status = this.workflow.statuses.find((candidate) => candidate.id === id);
    if (!status) throw new Error(`fake Jira: no status ${id}`);
    return status;
  }
}
