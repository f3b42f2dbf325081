import { z } from 'zod';

/**
 * The projects whose deliveries forgebot acts on (GITLAB_ALLOWED_PROJECTS, GITHUB_ALLOWED_REPOSITORIES), lower-cased:
 * both forges treat project paths case-insensitively (GitLab's path uniqueness and routing, GitHub's owner/repo names).
 * `undefined` (the variable unset) allows every project.
 */
export interface ProjectAllowlist {
  /** Exact paths: `group/subgroup/project` (GitLab), `owner/repo` (GitHub). */
  readonly projects: readonly string[];
  /** Namespaces whose every project is allowed, subgroups included: `group/subgroup` (GitLab), `owner` (GitHub). */
  readonly namespaces: readonly string[];
}

/** What a webhook route needs to apply an allowlist. */
export interface AllowlistDeps {
  allowlist?: ProjectAllowlist | undefined;
  /** Called once per delivery refused by the allowlist (the metrics count it). */
  onNotAllowed?: (() => void) | undefined;
}

export const NOT_ALLOWED_REASON = 'project not allowed';

/** Lower-cases A–Z only, so that no other character (such as the Kelvin sign) folds onto an ASCII entry. */
const asciiLower = (value: string) => value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** True when `path` (GitLab `path_with_namespace`, GitHub `full_name`) is allowed; every path when `allowlist` is unset. */
export function allowsProject(allowlist: ProjectAllowlist | undefined, path: string): boolean {
  if (allowlist === undefined) return true;
  const key = asciiLower(path);
  return allowlist.projects.includes(key) || allowlist.namespaces.some((namespace) => key.length > namespace.length + 1 && key.startsWith(`${namespace}/`));
}

/** One path segment: the characters GitLab and GitHub allow in group, owner, project and repository slugs. */
const SEGMENT = /^(?!\.+$)[\w.-]+$/;

type Entry = { project: string } | { namespace: string } | { problem: string };

/** `group/project`, `group/sub/project`; `group/*` or `group/sub/*` for every project below (subgroups included). */
function gitlabEntry(entry: string): Entry {
  if (entry === '*') return { problem: 'leave GITLAB_ALLOWED_PROJECTS unset to allow every project' };
  if (entry.endsWith('/')) return { problem: `write "${entry}*" for every project of a group` };
  const segments = entry.split('/');
  const wildcard = segments.at(-1) === '*';
  const path = wildcard ? segments.slice(0, -1) : segments;
  if (path.some((segment) => segment === '*' || segment.includes('*'))) return { problem: '"*" may only be the last part (group/*)' };
  if (!path.every((segment) => SEGMENT.test(segment))) return { problem: 'a path part may hold only letters, digits, "_", "." and "-"' };
  if (wildcard) return { namespace: asciiLower(path.join('/')) };
  if (path.length < 2) return { problem: `a project is group/project; write "${entry}/*" for every project of a group` };
  return { project: asciiLower(path.join('/')) };
}

/** `owner/repo`; `owner/*` for every repository of a user or organisation. */
function githubEntry(entry: string): Entry {
  if (entry === '*' || entry === '*/*') return { problem: 'leave GITHUB_ALLOWED_REPOSITORIES unset to allow every repository' };
  const segments = entry.split('/');
  if (segments.length === 1) return { problem: `a repository is owner/repo; write "${entry}/*" for every repository of an owner` };
  const [owner = '', repo = ''] = segments;
  if (segments.length !== 2 || owner === '*' || owner.includes('*') || (repo !== '*' && repo.includes('*'))) {
    return { problem: 'write owner/repo, or owner/* for every repository of an owner' };
  }
  if (!SEGMENT.test(owner) || (repo !== '*' && !SEGMENT.test(repo))) return { problem: 'an owner or repository may hold only letters, digits, "_", "." and "-"' };
  return repo === '*' ? { namespace: asciiLower(owner) } : { project: asciiLower(`${owner}/${repo}`) };
}

/** A comma-separated list parsed into a ProjectAllowlist; each bad entry is its own issue (all reported together). */
function allowlistSchema(noun: string, parseEntry: (entry: string) => Entry) {
  return z.string().transform((value, ctx): ProjectAllowlist => {
    const entries = value.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
    if (entries.length === 0) ctx.addIssue({ code: 'custom', message: `names no ${noun}` });
    const projects = new Set<string>();
    const namespaces = new Set<string>();
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: `"${entry}": ${parsed.problem}` });
      else if ('project' in parsed) projects.add(parsed.project);
      else namespaces.add(parsed.namespace);
    }
    return { projects: [...projects], namespaces: [...namespaces] };
  });
}

/** GITLAB_ALLOWED_PROJECTS: `group/project` and `group/*` (every project under the group, subgroups included). */
export const GitLabAllowedProjects = allowlistSchema('project', gitlabEntry);
/** GITHUB_ALLOWED_REPOSITORIES: `owner/repo` and `owner/*` (every repository of the user or organisation). */
export const GitHubAllowedRepositories = allowlistSchema('repository', githubEntry);
