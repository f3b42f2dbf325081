import type { ParsedCommand } from './change-command.js';
import { BriefLearning } from './review-memory.js';
import { SpecialistName } from './specialist-name.js';

/**
 * What `/claude learn …` asks (its argument, the rest of the command's line):
 * - `learn <text>`, `learn --for <reviewer> <text>`: a learning for this repository (the text is still raw here: the
 *   activity cleans it like the CLI's `--text` and checks its length);
 * - `learn accept <id>`, `learn remove <id>`: a maintainer's decision on one learning;
 * - `learn list`: the repository's learnings;
 * - anything else that cannot be read so: how to ask.
 */
export type LearnRequest =
  | { action: 'add'; text: string; specialist?: SpecialistName }
  | { action: 'accept' | 'remove'; id: string }
  | { action: 'list' }
  | { action: 'unclear'; reason: string };

/** Who may take an action: `write` proposes and lists; a decision on a learning needs the gates' access. */
export const isLearningDecision = (request: LearnRequest): request is Extract<LearnRequest, { action: 'accept' | 'remove' }> =>
  request.action === 'accept' || request.action === 'remove';

const ID = BriefLearning.shape.id;
const FOR = /^--for(?:=|\s+)(\S*)\s*([\s\S]*)$/i;

/**
 * Reads a learn command's argument. `accept` and `remove` take exactly one word, the learning's id (lower-cased):
 * `learn accept that we use tabs` is a learning, not a decision. `--for` comes first and names one reviewer.
 */
export function parseLearnArgument(argument: string): LearnRequest {
  const rest = argument.trim();
  if (rest === '') return { action: 'unclear', reason: 'a learning says what to learn.' };
  const words = rest.split(/\s+/);
  const first = (words[0] ?? '').toLowerCase();
  if (words.length === 1 && first === 'list') return { action: 'list' };
  if (first === 'accept' || first === 'remove') {
    if (words.length === 1) return { action: 'unclear', reason: `${first} names the learning (its id, as \`learn list\` shows it).` };
    if (words.length === 2) {
      const id = ID.safeParse((words[1] ?? '').toLowerCase());
      if (!id.success) return { action: 'unclear', reason: `${first} names the learning by its id, 4 to 40 letters, digits and dashes (as \`learn list\` shows it).` };
      return { action: first, id: id.data };
    }
  }
  const scoped = FOR.exec(rest);
  if (!scoped) return { action: 'add', text: rest };
  const specialist = SpecialistName.safeParse((scoped[1] ?? '').toLowerCase());
  if (!specialist.success) return { action: 'unclear', reason: `--for names one reviewer: ${SpecialistName.options.join(', ')}.` };
  const text = (scoped[2] ?? '').trim();
  if (text === '') return { action: 'unclear', reason: `a learning for the ${specialist.data} reviewer says what to learn.` };
  return { action: 'add', text, specialist: specialist.data };
}

/** The learn request of a parsed command, or undefined for another verb. */
export function learnRequestOf(command: ParsedCommand): LearnRequest | undefined {
  return command.verb === 'learn' ? parseLearnArgument(command.argument) : undefined;
}

/** How an answer names the command: `learn accept` for a decision (its access is not `learn`'s), else the verb. */
export function commandLabel(command: ParsedCommand): string {
  const request = learnRequestOf(command);
  return request && isLearningDecision(request) ? `learn ${request.action}` : command.verb;
}
