import { lstatSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { PlanTask } from '../../../domain/agent-task.js';
import type { PlanProblem, SubmittedPlan } from './role.js';

// The runner's checks of a submitted plan against the checkout and the scope. They run inside submit_plan's
// validation, which is synchronous: the checkout is read with lstat here (the model has no tool that writes to it),
// and run.ts confirms the paths it keeps with confinedPath afterwards.

/** A path as the plan keeps it: posix, without `./` or doubled slashes (the schema refused absolute and `..`). */
export function normalPath(path: string): string {
  return posix.normalize(path).replace(/\/+$/, '');
}

/** What the checkout holds at a path: a file, nothing, or something a plan may not name (why). */
export type PathState = { kind: 'file' } | { kind: 'missing' } | { kind: 'refused'; why: string };

/** Walks `path` inside `repoDir` without following symbolic links. */
export function pathState(repoDir: string, path: string): PathState {
  const parts = normalPath(path).split('/');
  if (parts.length === 0 || parts[0] === '.' || parts[0] === '') return { kind: 'refused', why: 'names the repository root, not a file' };
  let current = repoDir;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    let info;
    try {
      info = lstatSync(current);
    } catch {
      return { kind: 'missing' };
    }
    const last = index === parts.length - 1;
    if (info.isSymbolicLink()) return { kind: 'refused', why: `${last ? 'is' : 'lies under'} a symbolic link: plan the file it points to` };
    if (!last && !info.isDirectory()) return { kind: 'refused', why: `${parts.slice(0, index + 1).join('/')} is a file, not a folder` };
    if (last && info.isDirectory()) return { kind: 'refused', why: 'is a folder: name its files' };
    if (last && !info.isFile()) return { kind: 'refused', why: 'is not a regular file' };
  }
  return { kind: 'file' };
}

/** Why a planned file does not fit the checkout (a modify/delete of a missing file, an add of an existing one), if so. */
export function fileProblem(repoDir: string, file: { path: string; change: 'add' | 'modify' | 'delete' }): string | undefined {
  const state = pathState(repoDir, file.path);
  if (state.kind === 'refused') return state.why;
  if (state.kind === 'missing' && file.change !== 'add') return `does not exist at the head: it cannot be ${file.change === 'modify' ? 'modified' : 'deleted'} (use "add" for a new file)`;
  if (state.kind === 'file' && file.change === 'add') return 'already exists at the head: use "modify"';
  return undefined;
}

/** Why a planned test's path cannot be used (a test may be new or existing), if so. */
export function testProblem(repoDir: string, path: string): string | undefined {
  const state = pathState(repoDir, path);
  return state.kind === 'refused' ? state.why : undefined;
}

/** The size a plan claims: the distinct files it names (tests included) or its estimate when higher, and lines. */
export function plannedSize(plan: Pick<SubmittedPlan, 'files' | 'tests' | 'size'>): { files: number; lines: number } {
  const paths = new Set([...plan.files.map((file) => normalPath(file.path)), ...plan.tests.map((test) => normalPath(test.path))]);
  return { files: Math.max(paths.size, plan.size?.files ?? 0), lines: plan.size?.lines ?? 0 };
}

/** What of the scope a plan exceeds, in words (`12 files (at most 10)`), if anything. */
export function scopeExcess(size: { files: number; lines: number }, scope: PlanTask['scope']): string | undefined {
  const over = [
    ...(size.files > scope.maxFiles ? [`${size.files} files (at most ${scope.maxFiles})`] : []),
    ...(size.lines > scope.maxLines ? [`about ${size.lines} changed lines (at most ${scope.maxLines})`] : []),
  ];
  return over.length > 0 ? over.join(' and ') : undefined;
}

/** Every reason to send a plan back: files and tests that do not fit the checkout, and a size over the scope. */
export function planProblems(repoDir: string, scope: PlanTask['scope'], plan: SubmittedPlan): PlanProblem[] {
  if ((plan.questions ?? []).length > 0) return [];
  const problems: PlanProblem[] = [];
  plan.files.forEach((file, index) => {
    const why = fileProblem(repoDir, file);
    if (why) problems.push({ path: ['files', index, 'path'], message: `${file.change} ${normalPath(file.path)}: ${why}` });
  });
  plan.tests.forEach((test, index) => {
    const why = testProblem(repoDir, test.path);
    if (why) problems.push({ path: ['tests', index, 'path'], message: `${normalPath(test.path)}: ${why}` });
  });
  const excess = scopeExcess(plannedSize(plan), scope);
  if (excess) {
    problems.push({ path: ['size'], message: `the plan exceeds the scope: ${excess}; plan a smaller first part that fits, and say in the summary what is left for later` });
  }
  return problems;
}

/**
 * The check the tool loop runs on each submission: the first plan with problems goes back to the model with them;
 * every later one is taken as it is (run.ts then drops what still fails and marks a plan over the scope).
 */
export function sendBackOnce(check: (plan: SubmittedPlan) => PlanProblem[]): { check: (plan: SubmittedPlan) => PlanProblem[]; sentBack: () => boolean } {
  let sent = false;
  return {
    check(plan) {
      if (sent) return [];
      const problems = check(plan);
      if (problems.length > 0) sent = true;
      return problems;
    },
    sentBack: () => sent,
  };
}
