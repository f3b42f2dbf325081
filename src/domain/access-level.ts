import { z } from 'zod';

/**
 * A person's access to a repository, the same words on every forge (GitHub's permission names). GitLab's roles map
 * onto them: guest → read, reporter → triage, developer → write, maintainer → maintain, owner → admin.
 */
export const AccessLevel = z.enum(['none', 'read', 'triage', 'write', 'maintain', 'admin']);
export type AccessLevel = z.infer<typeof AccessLevel>;

const rank: Record<AccessLevel, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** True when `level` is at least `needed` (e.g. approvals need `write` or more). */
export function hasAccess(level: AccessLevel, needed: AccessLevel): boolean {
  return rank[level] >= rank[needed];
}
