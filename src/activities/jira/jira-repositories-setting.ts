import { z } from 'zod';
import { JiraRepositoryMappings, type JiraRepositoryMapping } from '../../domain/jira/ticket-mapping.js';

/** `[1] (PROJ) forge` — which entry a problem is in, by position and, when it has a valid one, its Jira project. */
function entryLabel(data: unknown, path: readonly PropertyKey[]): string {
  const [index, ...rest] = path;
  if (typeof index !== 'number') return path.map(String).join('.') || '(list)';
  const entry: unknown = Array.isArray(data) ? data[index] : undefined;
  const project = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).jiraProject : undefined;
  const named = typeof project === 'string' && /^[A-Z][A-Z0-9_]{0,30}$/.test(project) ? ` (${project})` : '';
  return `[${index}]${named}${rest.length > 0 ? ` ${rest.map(String).join('.')}` : ''}`;
}

const same = (a: string | undefined, b: string | undefined) => a === undefined || a.toLowerCase() === b?.toLowerCase();

/**
 * Problems one entry's schema cannot see: a repository id of the wrong forge's shape, and an entry no ticket can
 * reach because an earlier one of the same project takes all its tickets (the first match wins).
 */
function crossChecks(mappings: readonly JiraRepositoryMapping[]): string[] {
  const problems: string[] = [];
  mappings.forEach((mapping, index) => {
    const label = `[${index}] (${mapping.jiraProject})`;
    if (mapping.forge === 'gitlab' && typeof mapping.projectId !== 'number') problems.push(`${label} projectId: a GitLab project id is a number`);
    if (mapping.forge === 'github' && (typeof mapping.projectId !== 'string' || mapping.projectId.toLowerCase() !== mapping.projectPath.toLowerCase())) {
      problems.push(`${label} projectId: a GitHub projectId is owner/repo, the same as projectPath`);
    }
    const earlier = mappings.findIndex((other, at) => at < index && other.jiraProject === mapping.jiraProject && same(other.label, mapping.label) && same(other.component, mapping.component));
    if (earlier !== -1) problems.push(`${label}: never used, [${earlier}] takes every ticket it would (the first matching entry wins: put narrower ones first)`);
  });
  return problems;
}

/**
 * JIRA_REPOSITORIES: a JSON array of JiraRepositoryMapping (which repository a Jira project's tickets are implemented
 * in). Every problem is its own issue, named by the entry's position, its project and the field; no value is echoed.
 */
export const JiraRepositoriesSetting = z.string().transform((value, ctx): JiraRepositoryMapping[] => {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    // JSON.parse's message quotes the text: never echoed.
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON (a JSON array of mappings: [{"jiraProject":"PROJ","forge":"gitlab","projectId":42,"projectPath":"group/app"}])' });
    return z.NEVER;
  }
  const parsed = JiraRepositoryMappings.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${entryLabel(data, issue.path)}: ${issue.message}` });
    return z.NEVER;
  }
  for (const problem of crossChecks(parsed.data)) ctx.addIssue({ code: 'custom', message: problem });
  return parsed.data;
});
