import { authoredLines, DEFAULT_COMMAND_TRIGGER, parseCommand } from '../../domain/command-parser.js';

/** What a Jira comment asks of the ticket workflow. Who wrote it (and whether they may) is checked elsewhere. */
export type CommentIntent = { intent: 'approve' } | { intent: 'revise'; feedback: string } | { intent: 'answer' };

const APPROVE = /^(?:approve|approved)$/i;
const REVISE = /^ {0,3}revise:(.*)$/i;

/** The rest of a `revise:` / reject line and the lines the author wrote after it: the feedback. */
const feedbackFrom = (first: string, later: readonly string[]) => [first, ...later].join('\n').trim();

/**
 * The comment's intent, from its first line that states one: a line that is exactly `approve` or `approved`, or
 * `<trigger> approve` alone (any case) approves; `revise: <text>` or `<trigger> reject <reason>` asks for a new plan, the
 * text (with the lines after it) being the feedback; anything else is an answer (or talk). Lines a reader does not
 * see as the author's own words never count: quoted (`> approve`), fenced, indented or inline code, HTML comments —
 * the forge command parser's rules (authoredLines).
 */
export function commentIntent(markdown: string, trigger: string = DEFAULT_COMMAND_TRIGGER): CommentIntent {
  const lines = authoredLines(markdown);
  for (const [index, line] of lines.entries()) {
    const later = lines.slice(index + 1);
    if (APPROVE.test(line.trim())) return { intent: 'approve' };
    const revise = REVISE.exec(line);
    if (revise) return { intent: 'revise', feedback: feedbackFrom(revise[1] ?? '', later) };
    const command = parseCommand(line, trigger);
    if (command?.verb === 'approve' && command.argument === '') return { intent: 'approve' };
    if (command?.verb === 'reject') return { intent: 'revise', feedback: feedbackFrom(command.argument, later) };
  }
  return { intent: 'answer' };
}
