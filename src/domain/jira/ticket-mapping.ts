import { z } from 'zod';

/**
 * Which repository a Jira project's tickets are implemented in (optionally only tickets with a label or component),
 * and that project's limits. Configured by an operator (`JIRA_REPOSITORIES`, JSON): an unmapped ticket gets a Jira
 * comment saying what is missing, never a guess.
 */
export const JiraRepositoryMapping = z
  .object({
    /** Jira project key, e.g. `PROJ`. */
    jiraProject: z.string().regex(/^[A-Z][A-Z0-9_]{0,30}$/),
    /** Only tickets with this label / component (case-insensitive); absent: any. The first matching mapping wins. */
    label: z.string().min(1).max(255).optional(),
    component: z.string().min(1).max(255).optional(),
    forge: z.enum(['gitlab', 'github']),
    /** GitLab numeric project id; GitHub `owner/repo`. */
    projectId: z.union([z.number().int().positive(), z.string().regex(/^[\w.-]+\/[\w.-]+$/)]),
    projectPath: z.string().min(1).max(500),
    defaultBranch: z.string().min(1).max(250).default('main'),
    /** The `.forgebot.yml` commands the implementation must pass (the first is the test command). */
    testCommand: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/).default('test'),
    lintCommand: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/).optional(),
    /** The `.forgebot.yml` command that prints coverage of changed lines, when the repository declares one. */
    coverageCommand: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/).optional(),
    /** Scope limits of an implementation (tighter than the repository's own, never wider). */
    maxFiles: z.number().int().min(1).max(100).default(10),
    maxLines: z.number().int().min(1).max(5_000).default(400),
    /** The Jira project permission a commenter needs for `approve` / `revise:` in a Jira comment. */
    approvePermission: z.string().regex(/^[A-Z_]{3,60}$/).default('TRANSITION_ISSUES'),
    /** Where the ticket is moved once its MR is open (absent: not moved). */
    inReviewStatus: z.string().min(1).max(255).optional(),
    labels: z.array(z.string().min(1).max(100)).max(10).default(['forgebot', 'jira']),
    mergeOnApprove: z.boolean().default(false),
    /** People who must approve the merge gate. */
    approvals: z.number().int().min(1).max(2).default(1),
  })
  .strict();
export type JiraRepositoryMapping = z.infer<typeof JiraRepositoryMapping>;

export const JiraRepositoryMappings = z.array(JiraRepositoryMapping).max(500);

/** The mapping of a ticket: its project, then its label / component when the mapping names one. Undefined: unmapped. */
export function findTicketMapping(
  mappings: readonly JiraRepositoryMapping[],
  ticket: { projectKey: string; labels: readonly string[]; components: readonly string[] },
): JiraRepositoryMapping | undefined {
  const has = (list: readonly string[], wanted: string | undefined) => wanted === undefined || list.some((item) => item.toLowerCase() === wanted.toLowerCase());
  return mappings.find((mapping) => mapping.jiraProject === ticket.projectKey.toUpperCase() && has(ticket.labels, mapping.label) && has(ticket.components, mapping.component));
}
