import type { ChangeCommand } from './change-command.js';

/** A revision request's cap (the ticket workflow keeps the gathered requests under 5,000 characters). */
export const MAX_REVISION_REQUEST = 2_000;

/**
 * What a `/claude revise <what to change>` asks, as the implementer reads it: the person's text, prefixed on a diff
 * note (a GitLab diff note, a GitHub review comment) by the file and lines it is on — `in src/x.ts lines 10–14: …`.
 * Undefined when the command says nothing to change (a revise needs its text). Untrusted text: it reaches the agent as
 * fenced context only, and is never posted back as it is.
 */
export function revisionRequest(command: Pick<ChangeCommand, 'command' | 'place'>): string | undefined {
  if (command.command.verb !== 'revise') return undefined;
  const text = command.command.argument.trim();
  if (text === '') return undefined;
  const { place } = command;
  if (place.kind !== 'diff') return text.slice(0, MAX_REVISION_REQUEST);
  const end = place.line;
  const start = place.startLine ?? end;
  const lines = start === undefined || end === undefined ? '' : start === end ? ` line ${end}` : ` lines ${Math.min(start, end)}–${Math.max(start, end)}`;
  return `in ${place.path}${lines}: ${text}`.slice(0, MAX_REVISION_REQUEST);
}
