import { z } from 'zod';

/** Which change (merge request / pull request) a piece of work is about. Provider-neutral. */
export const ChangeRef = z.object({
  forge: z.enum(['gitlab', 'github']),
  /** Numeric project id on GitLab; `owner/repo` on GitHub. */
  projectId: z.union([z.number().int().positive(), z.string().min(1)]),
  /** Human-readable path, e.g. `group/project`. */
  projectPath: z.string().min(1),
  /** MR iid (GitLab) or PR number (GitHub). */
  number: z.number().int().positive(),
});
export type ChangeRef = z.infer<typeof ChangeRef>;

/** A repository (GitLab project, GitHub repository) without a change: where branches are made and changes opened. */
export const RepositoryRef = ChangeRef.omit({ number: true });
export type RepositoryRef = z.infer<typeof RepositoryRef>;

/** The repository a change belongs to. */
export function repositoryOf(ref: ChangeRef): RepositoryRef {
  return { forge: ref.forge, projectId: ref.projectId, projectPath: ref.projectPath };
}

/** Deterministic Temporal workflow id: the second line of defence against duplicate reviews. */
export function reviewWorkflowId(ref: ChangeRef): string {
  return ref.forge === 'gitlab'
    ? `review:gitlab:${ref.projectId}:${ref.number}`
    : `review:github:${ref.projectPath}:${ref.number}`;
}
