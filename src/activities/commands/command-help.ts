import type { AccessLevel } from '../../domain/access-level.js';
import type { CommandVerb } from '../../domain/change-command.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { codeSpan, safeCode } from '../../domain/safe-markdown.js';
import { DEFAULT_LEARNING_EXPIRY_DAYS } from '../finding-outcomes/learning-proposal.js';
import { atLeast, neededAccess } from './command-access.js';

interface HelpEntry {
  /** The verbs of the line (their access is the first one's). */
  verbs: readonly CommandVerb[];
  usage: readonly string[];
  what: string;
  /** The line's access when it is not its verb's (a decision on a learning: the gates'). */
  gate?: true;
}

const ENTRIES: readonly HelpEntry[] = [
  { verbs: ['review'], usage: ['review', 'review full'], what: 'reviews the newest commits now, a draft too; `full` reviews the whole change again' },
  { verbs: ['pause', 'resume'], usage: ['pause', 'resume'], what: 'turns automatic reviews of this change off / on (pushes while paused are remembered; resume reviews the newest)' },
  { verbs: ['revise'], usage: ['revise <what to change>'], what: 'asks forgebot for another commit on a change it opened for a Jira ticket (on a diff line: those lines); answered here when it is pushed' },
  { verbs: ['approve', 'reject'], usage: ['approve', 'reject <reason>'], what: 'decides the gate of a change forgebot opened (the merge gate of a Sentry fix)' },
  { verbs: ['learn'], usage: ['learn <text>', 'learn --for <reviewer> <text>', 'learn list'], what: "teaches later reviews of this repository something (e.g. what it does on purpose), for every reviewer or one; proposed until a maintainer accepts it (a maintainer's own is accepted at once); `list` shows the repository's learnings" },
  { verbs: ['learn'], usage: ['learn accept <id>', 'learn remove <id>'], what: `accepts a proposed learning (it then lapses after ${DEFAULT_LEARNING_EXPIRY_DAYS} days; accepting it again renews it), or removes one`, gate: true },
  { verbs: ['explain', 'suggest'], usage: ['explain <path:line>', 'suggest <what>'], what: 'explains lines of the change, or suggests a change to them (a one-click suggestion where it applies), in the thread' },
  { verbs: ['help'], usage: ['help'], what: 'this list' },
];

/**
 * The commands and who may use them, in the forge's words for access levels. Every line starts with a list marker and
 * every command is in a code span: nothing in forgebot's own note reads as a command or a GitLab quick action.
 */
export function renderHelp(input: { forge: ChangeRef['forge']; trigger: string; approveAccess: AccessLevel; unknownVerb?: string }): string {
  const { forge, trigger } = input;
  const lines = ENTRIES.map(({ verbs, usage, what, gate }) => {
    const first = verbs[0] ?? 'help';
    const commands = usage.map((text) => codeSpan(`${trigger} ${text}`)).join(', ');
    return `- ${commands}: ${what}. ${atLeast(forge, gate ? input.approveAccess : neededAccess(first, input.approveAccess))}.`;
  });
  const unknown = input.unknownVerb !== undefined ? `${safeCode(input.unknownVerb)} is not a forgebot command. ` : '';
  return [
    `${unknown}forgebot takes these commands, each on a line of its own in a comment on this ${forge === 'gitlab' ? 'merge request' : 'pull request'} (who may use them: their access to the repository, as ${forge === 'gitlab' ? 'GitLab' : 'GitHub'} says it):`,
    '',
    ...lines,
  ].join('\n');
}
