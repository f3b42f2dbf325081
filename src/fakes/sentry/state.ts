/** A Sentry user or an internal integration's proxy user (the one its token acts as). */
export interface FakeSentryUser {
  id: string;
  name: string;
  username: string;
  email: string;
}

/** An auth token the fake accepts, with the scopes Sentry checks (`event:read`, `event:write`, …). */
export interface FakeSentryToken {
  token: string;
  scopes: string[];
  user: FakeSentryUser;
}

export interface FakeSentryIssue {
  org: string;
  id: string;
  shortId: string;
  project: { id: string; slug: string; name?: string; platform?: string };
  title: string;
  culprit?: string;
  level: string;
  status: string;
  platform: string;
  metadata: Record<string, unknown>;
  count: number;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  isUnhandled?: boolean;
  /** Events as the API serializes them (with `entries`), oldest first: `events/latest/` answers the last. */
  events: Record<string, unknown>[];
}

export interface FakeSentryComment {
  id: string;
  issueId: string;
  text: string;
  user: FakeSentryUser;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** What the fake holds: issues with their events and comments. Tests seed it through FakeSentry. */
export class FakeSentryState {
  readonly issues: FakeSentryIssue[] = [];
  readonly comments: FakeSentryComment[] = [];
  private nextId = 5_000;

  id(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  issue(org: string, id: string): FakeSentryIssue | undefined {
    return this.issues.find((issue) => issue.org === org && issue.id === id);
  }

  /** The issue's comments, newest first (as Sentry lists them). */
  commentsOf(issueId: string): FakeSentryComment[] {
    return this.comments.filter((comment) => comment.issueId === issueId).sort((a, b) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id));
  }
}
