import type { FakeUser } from './state.js';

/** GitLab's pipeline statuses (`Ci::HasStatus::AVAILABLE_STATUSES`, plus `canceling`). */
export type PipelineStatusName =
  | 'created'
  | 'waiting_for_resource'
  | 'preparing'
  | 'pending'
  | 'running'
  | 'success'
  | 'failed'
  | 'canceling'
  | 'canceled'
  | 'skipped'
  | 'manual'
  | 'scheduled';

export interface FakePipeline {
  id: number;
  iid: number;
  projectId: number;
  sha: string;
  ref: string;
  status: PipelineStatusName;
  source: 'push' | 'merge_request_event' | 'api';
  createdAt: string;
  updatedAt: string;
}

/** GitLab's role levels: no access 0, minimal 5, guest 10, planner 15, reporter 20, developer 30, maintainer 40, owner 50. */
export type GitLabAccessLevel = 0 | 5 | 10 | 15 | 20 | 30 | 40 | 50;

export interface FakeMember {
  user: FakeUser;
  accessLevel: GitLabAccessLevel;
  /** `YYYY-MM-DD`: access ends on that day. */
  expiresAt: string | null;
  createdAt: string;
  /** Where the membership comes from: the project itself, or an ancestor group's full path. */
  source: { kind: 'project'; projectId: number } | { kind: 'group'; path: string };
}

export interface MemberOptions {
  expiresAt?: string;
  /** The person's account is blocked (GitLab keeps the membership but the user cannot act). */
  blocked?: boolean;
}

export interface FakeAward {
  id: number;
  name: string;
  user: FakeUser;
  awardableId: number;
  createdAt: string;
}

/** Protected branch names, with GitLab's `*` wildcard (`release/*`). */
export function matchesProtection(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(branch);
}

/** `Draft:`, `[Draft]`, `(Draft)` title prefixes (case-insensitive), as GitLab recognises drafts. */
export const DRAFT_PREFIX = /^\s*(?:\[draft\]|\(draft\)|draft:|draft\s-\s)\s*/i;
export const isDraftTitle = (title: string) => DRAFT_PREFIX.test(title);
