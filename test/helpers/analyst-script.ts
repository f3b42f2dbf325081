import type { AnalyzeTask } from '../../src/domain/agent-task.js';
import type { FakeAnthropic } from '../../src/fakes/anthropic/fake-anthropic.js';
import { text, toolUse } from '../../src/fakes/anthropic/messages.js';
import { BUG_LINE, CART_EVIDENCE, CART_PATH } from './buggy-project.js';

/** An analyst task on the buggy project (see buggy-project.ts) at `headSha`, with `context` as the error's evidence. */
export function analyzeTask(cloneUrl: string, headSha: string, context = CART_EVIDENCE): AnalyzeTask {
  return {
    role: 'analyst',
    subject: { kind: 'sentry-issue', org: 'acme', issueId: '4711' },
    forge: 'gitlab',
    repositoryPath: 'shop/cart',
    repository: { cloneUrl, baseSha: headSha, headSha },
    goal: {
      title: "TypeError: Cannot read properties of undefined (reading 'price')",
      instructions: 'Find the root cause of this production error in the repository, and say whether a small code change here fixes it.',
      context,
    },
    model: 'claude-test',
    limits: { maxTurns: 6, maxOutputTokens: 1024, tokenBudget: 100_000 },
  };
}

/** What the scripted analyst submits (submit_analysis's input): the sparse-cart bug, fixable. */
export const CART_ANALYSIS = {
  root_cause: "total() reads items[index].price for every index of the list; a sparse list has holes (undefined), so reading 'price' of a hole raises the TypeError.",
  evidence: [{ path: CART_PATH, start_line: BUG_LINE, end_line: BUG_LINE, why: 'Reads price and quantity of each entry without checking that it exists.' }],
  reproduction: 'Call total([{ price: 2, quantity: 1 }, , { price: 3, quantity: 2 }]): it throws instead of returning 8.',
  fixable: true,
  confidence: 0.9,
  reason: 'The fault is one line of src/cart.js; skipping holes fixes it without changing any other total.',
  proposed_fix: 'In total(), skip entries that are undefined before reading price and quantity.',
};

/**
 * The scripted analyst: reads the file the stack trace names, searches for its callers, and submits `submission`
 * (CART_ANALYSIS with `changes`; a field set to undefined is left out).
 */
export function scriptAnalysis(model: FakeAnthropic, changes: Record<string, unknown> = {}): void {
  const submission = Object.fromEntries(Object.entries({ ...CART_ANALYSIS, ...changes }).filter(([, value]) => value !== undefined));
  model.script(
    { content: [text('Following the top in-app frame.'), toolUse('read_file', { path: CART_PATH })] },
    { content: [toolUse('search_code', { pattern: 'total(' })] },
    { content: [toolUse('submit_analysis', submission)] },
  );
}

/** The scripted analyst that keeps reading and never submits (for the turn limit). */
export function scriptEndlessReading(model: FakeAnthropic, turns: number): void {
  for (let turn = 0; turn < turns; turn++) model.script({ content: [toolUse('read_file', { path: CART_PATH, start_line: 1, end_line: 5 })] });
}
