import type { ImplementResult } from './agent-task.js';
import { safeCode, safeFence } from './safe-markdown.js';

/**
 * The description of a change forgebot opens from an agent's work: its summary (untrusted: fenced, so nothing in it
 * renders, notifies, loads or links) and the commands it ran (their names as code).
 */
export function renderWorkDescription(work: ImplementResult, intro: string): string {
  const commands = work.commands.map((run) => `- ${safeCode(run.name)}: ${run.timedOut ? 'timed out' : run.exitCode === 0 ? 'passed' : `failed (exit ${run.exitCode ?? run.signal ?? '?'})`}`);
  return [
    intro,
    '**What the agent says it did** (its own words, unverified):',
    safeFence(work.summary),
    `**Patch:** ${work.patch.filesChanged} files, +${work.patch.linesAdded} −${work.patch.linesDeleted} lines.`,
    commands.length > 0 ? `**Commands run in the sandbox:**\n${commands.join('\n')}` : '**Commands run in the sandbox:** none.',
    '_Opened by forgebot as a draft: nothing merges without a person._',
  ].join('\n\n');
}
