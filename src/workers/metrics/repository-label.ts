import type { Config } from '../../config.js';
import type { ProjectAllowlist } from '../../webhooks/project-allowlist.js';

/** The `forge` and `repository` labels of a repository's metrics. */
export interface RepositoryLabels {
  forge: string;
  repository: string;
}

export type RepositoryLabeler = (repo: { forge: 'gitlab' | 'github'; projectPath: string }) => RepositoryLabels;

/** The label when a repository is outside the configured set (or none is configured). */
export const OTHER_REPOSITORY = 'other';

const asciiLower = (value: string) => value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/**
 * Repository labels bounded by the configuration: a path that the forge's allowlist (GITLAB_ALLOWED_PROJECTS,
 * GITHUB_ALLOWED_REPOSITORIES) names exactly, or that SENTRY_PROJECTS maps to, is its own label (lower-cased); a path
 * under an allowlisted namespace is labelled by it (`group/*`, the longest match); anything else is `other`. So a
 * metric has at most one series per configured entry, however many repositories send events.
 */
export function repositoryLabeler(config: Pick<Config, 'GITLAB_ALLOWED_PROJECTS' | 'GITHUB_ALLOWED_REPOSITORIES' | 'SENTRY_PROJECTS'>): RepositoryLabeler {
  const allowlists: Record<'gitlab' | 'github', ProjectAllowlist | undefined> = { gitlab: config.GITLAB_ALLOWED_PROJECTS, github: config.GITHUB_ALLOWED_REPOSITORIES };
  const mapped = new Set((config.SENTRY_PROJECTS ?? []).map((mapping) => `${mapping.forge}:${asciiLower(mapping.projectPath)}`));
  return ({ forge, projectPath }) => {
    const path = asciiLower(projectPath);
    const allowlist = allowlists[forge];
    if (mapped.has(`${forge}:${path}`) || allowlist?.projects.includes(path)) return { forge, repository: path };
    const namespace = allowlist?.namespaces.filter((entry) => path.startsWith(`${entry}/`)).sort((a, b) => b.length - a.length)[0];
    return { forge, repository: namespace === undefined ? OTHER_REPOSITORY : `${namespace}/*` };
  };
}
