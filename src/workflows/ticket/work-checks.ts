import type { WorkDigest } from '../../activities/agent-digest.js';

/** What an implementation is held to before anything is pushed. */
export interface WorkLimits {
  /** The approved plan's files: the only paths the work may touch. */
  planFiles: readonly string[];
  maxFiles: number;
  maxLines: number;
  /** Declared commands whose last run must have passed (the test command first). */
  mustPass: readonly string[];
}

export type WorkVerdict =
  | { ok: true; testPaths: string[]; tests: string }
  | { ok: false; reason: string; outsidePlan?: string[] };

/** Test files by the usual conventions: a test/spec folder, `*.test.*`, `*.spec.*`, `test_*.py`, `*_test.*`, `*Test(s).*`. */
const TEST_PATH = [
  /(^|\/)(tests?|specs?|__tests__|testing)\//i,
  /\.(test|spec)\.[^/]+$/i,
  /(^|\/)test_[^/]+\.py$/,
  /_(test|spec)\.[^/]+$/,
  /[a-z0-9](Test|Tests|Spec|IT)\.[^/]+$/,
];

export function isTestPath(path: string): boolean {
  return TEST_PATH.some((pattern) => pattern.test(path));
}

function list(paths: readonly string[], max = 8): string {
  return paths.length <= max ? paths.join(', ') : `${paths.slice(0, max).join(', ')} and ${paths.length - max} more`;
}

/**
 * The checks of an implementation, in order: it changed something, its paths are known and all in the plan, it fits
 * the limits, it changed a test file, and the last run of each required command passed. The first that fails says why.
 */
export function checkWork(digest: WorkDigest, limits: WorkLimits): WorkVerdict {
  const lines = digest.linesAdded + digest.linesDeleted;
  if (digest.filesChanged === 0) return { ok: false, reason: 'the implementation changed no file' };
  const paths = digest.paths;
  if (!paths || paths.length === 0) return { ok: false, reason: 'the runner did not say which files the implementation changed' };
  const planned = new Set(limits.planFiles);
  const outside = paths.filter((path) => !planned.has(path));
  if (outside.length > 0) return { ok: false, reason: `the implementation changed files outside the approved plan: ${list(outside)}`, outsidePlan: outside };
  if (digest.filesChanged > limits.maxFiles || lines > limits.maxLines) {
    return { ok: false, reason: `the implementation changes ${digest.filesChanged} file(s) and ${lines} line(s); at most ${limits.maxFiles} and ${limits.maxLines}` };
  }
  const testPaths = paths.filter(isTestPath);
  if (testPaths.length === 0) return { ok: false, reason: `the implementation changed no test file (${list(paths)}): new code comes with tests` };
  const results: string[] = [];
  for (const name of limits.mustPass) {
    const last = [...digest.commands].reverse().find((command) => command.name === name);
    if (!last) return { ok: false, reason: `\`${name}\` was never run on the implementation` };
    if (last.timedOut) return { ok: false, reason: `\`${name}\` timed out on the implementation` };
    if (last.exitCode !== 0) return { ok: false, reason: `\`${name}\` failed on the implementation (exit code ${last.exitCode ?? 'none'})` };
    results.push(`\`${name}\` passed`);
  }
  return { ok: true, testPaths, tests: `${results.join(', ')}; tests changed: ${list(testPaths, 5)}` };
}
