import type { RuleContext } from './heuristic-rules.js';

/** The language the heuristic rules judge a file as, by its extension ('other': not judged). */
export function languageOf(path: string): RuleContext['language'] {
  if (/\.(ts|tsx|js|mjs)$/.test(path)) return 'typescript';
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.go')) return 'go';
  if (path.endsWith('.php')) return 'php';
  return 'other';
}
