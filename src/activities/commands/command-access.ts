import { hasAccess, type AccessLevel } from '../../domain/access-level.js';
import { DEFAULT_COMMAND_ACCESS, verbOf, type CommandVerb, type Noted } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { isLearningDecision, learnRequestOf } from '../../domain/learn-command.js';

/** What a command's author may do, as the forge's API says now (never the payload's `author_association`). */
export interface CommandAccess {
  level: AccessLevel;
  allowed: boolean;
  needed: AccessLevel;
}

/** The access a verb needs: the defaults, with the gates' own (COMMAND_APPROVE_ACCESS, default `maintain`). */
export function neededAccess(verb: CommandVerb | 'reply', approveAccess: AccessLevel = 'maintain'): AccessLevel {
  if (verb === 'reply') return REPLY_ACCESS;
  return verb === 'approve' || verb === 'reject' ? approveAccess : DEFAULT_COMMAND_ACCESS[verb];
}

/**
 * The access a note needs: its verb's, but a decision on a learning (`learn accept`, `learn remove`) needs the gates'
 * access as approve does; any other learn (a proposal, the list) needs `learn`'s own.
 */
export function neededAccessOf(noted: Noted, approveAccess: AccessLevel = 'maintain'): AccessLevel {
  const learn = 'command' in noted ? learnRequestOf(noted.command) : undefined;
  return learn && isLearningDecision(learn) ? approveAccess : neededAccess(verbOf(noted), approveAccess);
}

/** A reply in a finding thread costs model tokens and may keep a finding from being raised again: write, as `explain`. */
export const REPLY_ACCESS: AccessLevel = 'write';

export function commandAccess(noted: Noted, level: AccessLevel, approveAccess?: AccessLevel): CommandAccess {
  const needed = neededAccessOf(noted, approveAccess);
  return { level, needed, allowed: hasAccess(level, needed) };
}

/** GitLab's role names for the access levels (access-level.ts maps them so); GitHub's permission names. */
const GITLAB_ROLES: Record<AccessLevel, string> = { none: 'no access', read: 'Guest', triage: 'Reporter', write: 'Developer', maintain: 'Maintainer', admin: 'Owner' };
const GITHUB_PERMISSIONS: Record<AccessLevel, string> = { none: 'no access', read: 'Read', triage: 'Triage', write: 'Write', maintain: 'Maintain', admin: 'Admin' };

/** An access level in the words of the change's forge: `Maintainer` on GitLab, `Maintain` on GitHub. */
export function accessLabel(forge: ChangeRef['forge'], level: AccessLevel): string {
  return (forge === 'gitlab' ? GITLAB_ROLES : GITHUB_PERMISSIONS)[level];
}

/** `Developer or more` on GitLab, `Write or more` on GitHub. */
export function atLeast(forge: ChangeRef['forge'], level: AccessLevel): string {
  return level === 'admin' ? accessLabel(forge, level) : `${accessLabel(forge, level)} or more`;
}
