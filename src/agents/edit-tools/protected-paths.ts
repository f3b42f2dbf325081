import picomatch from 'picomatch';

/** CI definitions: GitLab's root file (and included files of that name), GitHub's workflows, GitLab's usual include folder. */
const CI_DEFINITIONS = ['**/.gitlab-ci.yml', '.gitlab/ci/**', '.github/workflows/**'];
const SETTINGS_FILE = '.forgebot.yml';

export type PathGuard = (path: string) => string | undefined;

/**
 * What no edit may touch, as a function from a `/`-separated path relative to the repository to the reason it is
 * refused (one sentence), or undefined. `protectedGlobs` are `.forgebot.yml`'s `changes.protected_paths`: a glob
 * without `/` matches a name at any depth (`*.lock`); a glob that matches a folder protects everything in it.
 */
export function pathGuard(protectedGlobs: readonly string[]): PathGuard {
  const ci = picomatch(CI_DEFINITIONS, { dot: true });
  // picomatch's `basename` applies to every pattern (not only to those without a slash, as its docs say): set it per glob.
  const globs = protectedGlobs.map((glob) => ({ glob, matches: picomatch(glob, { dot: true, basename: !glob.includes('/') }) }));
  return (path) => {
    const segments = path.split('/');
    // git itself refuses `.git` in any case (and so do the forges), so any spelling is refused here too.
    if (segments.some((segment) => segment.toLowerCase() === '.git')) return `${path} is inside a .git folder, which holds git's own data and is never part of a change.`;
    if (ci(path)) return `${path} is a CI definition, and agents may not change CI definitions.`;
    if (path === SETTINGS_FILE) return `${path} holds forgebot's own settings, which agents may not change.`;
    const prefixes = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
    const hit = globs.find(({ matches }) => prefixes.some((prefix) => matches(prefix)));
    if (hit) return `${path} is protected by .forgebot.yml (changes.protected_paths: ${JSON.stringify(hit.glob)}).`;
    return undefined;
  };
}
