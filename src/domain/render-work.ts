import type { ImplementResult } from './agent-task.js';

/**
 * Untrusted text (model output, command output) as a fenced block whose fence is longer than any backtick run in the
 * text: nothing in it renders as Markdown or HTML, no mention notifies, no image loads, no link is live.
 */
export function fencedText(text: string, info = 'text'): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** The description of a change forgebot opens from an agent's work: its summary and command results, all fenced. */
export function renderWorkDescription(work: ImplementResult, intro: string): string {
  const commands = work.commands.map((run) => `- \`${run.name}\`: ${run.timedOut ? 'timed out' : run.exitCode === 0 ? 'passed' : `failed (exit ${run.exitCode ?? run.signal ?? '?'})`}`);
  return [
    intro,
    '**What the agent says it did** (its own words, unverified):',
    fencedText(work.summary),
    `**Patch:** ${work.patch.filesChanged} files, +${work.patch.linesAdded} −${work.patch.linesDeleted} lines.`,
    commands.length > 0 ? `**Commands run in the sandbox:**\n${commands.join('\n')}` : '**Commands run in the sandbox:** none.',
    '_Opened by forgebot as a draft: nothing merges without a person._',
  ].join('\n\n');
}
