import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Logger } from 'pino';
import type { PlannedFile, PlanResult, PlanTask } from '../../../domain/agent-task.js';
import { confinedPath } from '../../confined-path.js';
import { fileProblem, normalPath, pathState, plannedSize, scopeExcess, testProblem } from './plan-checks.js';
import type { SubmittedPlan } from './role.js';

/** The plan part of a PlanResult (the run's accounting comes on top). */
export type KeptPlan = Pick<PlanResult, 'summary' | 'steps' | 'files' | 'tests' | 'risks' | 'size' | 'questions'>;

/** What keeping a plan needs: the checkout it is checked against, the scope, and the runner's redaction. */
export interface KeepContext {
  repoDir: string;
  scope: PlanTask['scope'];
  redact: (text: string) => string;
  log: Logger;
}

type PlannedTest = PlanResult['tests'][number];

/** The sentence a plan over the scope begins with (the workflow does not implement such a plan). */
export function overScopeSentence(excess: string): string {
  return `This plan exceeds the scope (${excess}): forgebot will not implement it as it stands; narrow or split the ticket.`;
}

/** True when `path` (or, for a new file, its deepest existing folder) resolves inside the checkout (confined-path.ts). */
async function confined(repoDir: string, path: string): Promise<boolean> {
  let existing = path;
  while (existing !== '.' && !existsSync(join(repoDir, existing))) existing = posix.dirname(existing);
  return confinedPath(repoDir, existing).then(
    () => true,
    () => false,
  );
}

/** One risk naming what the runner dropped, and why (capped at PlanResult's length). */
function droppedRisk(what: string, dropped: readonly { path: string; why: string }[]): string[] {
  if (dropped.length === 0) return [];
  return [`forgebot dropped ${what} that did not fit the checkout (the implementation may not touch them): ${dropped.map((item) => `${item.path} (${item.why})`).join('; ')}.`.slice(0, 2_000)];
}

/**
 * The plan as the runner keeps it, whatever the model said: files that do not fit the checkout (after the one send
 * back) dropped with a risk naming them, every test file listed among the files, the size at least the files named,
 * and a plan still over the scope kept with a summary that begins by saying so. Text is redacted.
 */
export async function keptPlan(submitted: SubmittedPlan, context: KeepContext): Promise<KeptPlan> {
  const { redact } = context;
  const text = (value: string, max: number) => redact(value).slice(0, max);
  const questions = (submitted.questions ?? []).map((question) => text(question, 2_000));
  const risks = submitted.risks.map((risk) => text(risk, 2_000));
  if (questions.length > 0) return { summary: text(submitted.summary, 5_000), steps: [], files: [], tests: [], risks, size: { files: 0, lines: 0 }, questions };

  const files: PlannedFile[] = [];
  const droppedFiles: { path: string; why: string }[] = [];
  for (const file of submitted.files) {
    const path = normalPath(file.path);
    if (files.some((kept) => kept.path === path)) continue;
    const why = fileProblem(context.repoDir, file) ?? ((await confined(context.repoDir, path)) ? undefined : 'leads outside the repository');
    if (why) droppedFiles.push({ path, why: `${file.change}: ${why}` });
    else files.push({ path, change: file.change, why: text(file.why, 2_000) });
  }
  const tests: PlannedTest[] = [];
  const droppedTests: { path: string; why: string }[] = [];
  for (const test of submitted.tests) {
    const path = normalPath(test.path);
    const dropped = droppedFiles.find((item) => item.path === path);
    const why = dropped?.why ?? testProblem(context.repoDir, path) ?? ((await confined(context.repoDir, path)) ? undefined : 'leads outside the repository');
    if (why) {
      droppedTests.push({ path, why });
      continue;
    }
    tests.push({ path, what: text(test.what, 2_000) });
    // A test file is a file the implementation touches: listed there when the model left it out.
    if (!files.some((file) => file.path === path)) files.push({ path, change: pathState(context.repoDir, path).kind === 'file' ? 'modify' : 'add', why: text(`Test: ${test.what}`, 2_000) });
  }
  if (droppedFiles.length + droppedTests.length > 0) context.log.info({ files: droppedFiles.length, tests: droppedTests.length }, 'planned paths dropped');

  const size = plannedSize({ files, tests, size: submitted.size });
  const excess = scopeExcess(size, context.scope);
  if (excess) context.log.info({ files: size.files, lines: size.lines, scope: context.scope }, 'plan kept over its scope');
  const summary = text(submitted.summary, 5_000);
  return {
    summary: (excess ? `${overScopeSentence(excess)} ${summary}` : summary).slice(0, 5_000),
    steps: submitted.steps.map((step) => text(step, 2_000)),
    files: files.slice(0, 100).map((file) => ({ ...file, path: text(file.path, 1_000) })),
    tests: tests.slice(0, 30).map((test) => ({ ...test, path: text(test.path, 1_000) })),
    risks: [...droppedRisk('files', droppedFiles).map(redact), ...droppedRisk('tests', droppedTests).map(redact), ...risks].slice(0, 20),
    size,
    questions: [],
  };
}
