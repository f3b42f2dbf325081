import { z } from 'zod';
import { JiraProjectKey, type JiraIssuePayload } from './jira-payload.js';

/**
 * JIRA_PROJECTS: the Jira projects whose tickets forgebot acts on, as upper-case keys. It follows the forges'
 * allowlists (project-allowlist.ts): unset, every project whose webhook has the secret is heard (the ticket workflow's
 * project → repository mapping still decides where work happens, and says so on a ticket it cannot place); set, it
 * must name at least one valid key, and `*` is refused in favour of leaving it unset.
 */
export const JiraProjects = z.string().transform((value, ctx): string[] => {
  const entries = value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
  if (entries.length === 0) ctx.addIssue({ code: 'custom', message: 'names no project' });
  const keys = new Set<string>();
  for (const entry of entries) {
    // Jira shows keys upper-case and matches them case-insensitively; only A–z are folded (no Kelvin sign onto K).
    const key = entry.replace(/[a-z]/g, (letter) => letter.toUpperCase());
    if (entry === '*') ctx.addIssue({ code: 'custom', message: 'leave JIRA_PROJECTS unset to allow every project' });
    else if (!JiraProjectKey.safeParse(key).success) ctx.addIssue({ code: 'custom', message: `"${entry}": a project key is a letter, then letters, digits or "_" (such as PROJ), at most 31` });
    else keys.add(key);
  }
  return [...keys];
});

/** The project of an issue in a delivery: `fields.project.key`, or (a comment event's short issue) its key's prefix. */
export function projectOfIssue(issue: JiraIssuePayload): string {
  return issue.fields?.project?.key ?? issue.key.slice(0, issue.key.lastIndexOf('-'));
}

/** True when `projectKey` is allowed; every project when `projects` (JIRA_PROJECTS) is unset. */
export function allowsJiraProject(projects: readonly string[] | undefined, projectKey: string): boolean {
  return projects === undefined || projects.includes(projectKey);
}
