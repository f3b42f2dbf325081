import { CommandVerb, type ParsedCommand } from './change-command.js';

/** The word that addresses forgebot in a comment (COMMAND_TRIGGER). */
export const DEFAULT_COMMAND_TRIGGER = '/claude';

/** A trigger: a word that cannot be read as Markdown (no quote, code, list or heading marker first, no spaces). */
export const COMMAND_TRIGGER_PATTERN = /^[/@!.A-Za-z][\w./@!-]{0,39}$/;

/** How the argument of an unknown verb starts: `/claude revew` → `help` with `unknown: revew` (the list is the answer). */
export const UNKNOWN_VERB_PREFIX = 'unknown: ';
const MAX_ARGUMENT = 2_000;
const MAX_UNKNOWN_WORD = 50;

/**
 * The first command in a note: a line that starts (after at most three spaces) with the trigger, then a verb and the
 * rest of the line as its argument. The trigger and the verb are case-insensitive; `/claude` alone asks for help.
 * What a reader does not see as the author's own words is never a command: fenced and indented code, inline code
 * (spans over several lines included), quoted lines (`> …`, GitLab's `>>>` blocks) and HTML comments.
 * An unknown verb is `help` with `unknown: <word>` as its argument. Undefined when the note holds no command.
 */
export function parseCommand(text: string, trigger: string = DEFAULT_COMMAND_TRIGGER): ParsedCommand | undefined {
  const command = new RegExp(`^ {0,3}${escapeRegExp(trigger)}(?:[^\\S\\r\\n]+([\\s\\S]*))?$`, 'i');
  for (const line of authoredLines(text)) {
    const match = command.exec(line);
    if (match) return commandOf(match[1] ?? '');
  }
  return undefined;
}

/** The unknown word of an unknown verb's `help` (see UNKNOWN_VERB_PREFIX), else undefined. */
export function unknownVerbOf(command: ParsedCommand): string | undefined {
  return command.verb === 'help' && command.argument.startsWith(UNKNOWN_VERB_PREFIX) ? command.argument.slice(UNKNOWN_VERB_PREFIX.length) : undefined;
}

function commandOf(rest: string): ParsedCommand {
  const [, word = '', argument = ''] = /^(\S*)(?:\s+([\s\S]*))?$/.exec(rest.trim()) ?? [];
  if (word === '') return { verb: 'help', argument: '' };
  // `/claude review.` or `/claude pause,` still name the verb.
  const verb = CommandVerb.safeParse(word.replace(/[.,:;!?]+$/, '').replace(/[A-Z]/g, (letter) => letter.toLowerCase()));
  if (!verb.success) return { verb: 'help', argument: `${UNKNOWN_VERB_PREFIX}${truncate(word, MAX_UNKNOWN_WORD)}` };
  return { verb: verb.data, argument: truncate(argument.trim(), MAX_ARGUMENT).trimEnd() };
}

/** At most `max` UTF-16 units (the schema's measure), never half a surrogate pair. */
function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

type LineKind = 'text' | 'blank' | 'hidden';

/**
 * The note's lines, in order, with the lines a reader sees as code or quotation (or does not see) left out.
 * Each line kept is one a command may start (Jira comments' `approve` and `revise:` lines are read the same way).
 */
export function authoredLines(text: string): string[] {
  const lines = withoutHtmlComments(text).split(/\r\n|\r|\n/);
  const kinds = blockKinds(lines);
  hideInlineCode(lines, kinds);
  return lines.filter((_, index) => kinds[index] === 'text');
}

/** HTML comments do not show: their text is dropped (their line breaks kept). An unclosed one runs to the end. */
function withoutHtmlComments(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)/g, (comment) => comment.replace(/[^\r\n]/g, ''));
}

/** Fenced code (``` or ~~~, CommonMark's rules), indented code, `>` quotes and GitLab's `>>>` quote blocks are hidden. */
function blockKinds(lines: readonly string[]): LineKind[] {
  let fence: { char: string; length: number } | undefined;
  let quoteBlock = false;
  let previous: LineKind = 'blank';
  return lines.map((line): LineKind => {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close?.[1]?.startsWith(fence.char) && close[1].length >= fence.length) fence = undefined;
      return (previous = 'hidden');
    }
    if (/^ {0,3}>>>[ \t]*$/.test(line) || (quoteBlock && /^ {0,3}>>>/.test(line))) {
      quoteBlock = !quoteBlock;
      return (previous = 'hidden');
    }
    if (quoteBlock) return (previous = 'hidden');
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    // A backtick fence's info string holds no backtick (else the line is inline code).
    if (open?.[1] && !(open[1].startsWith('`') && open[2]?.includes('`'))) {
      fence = { char: open[1].charAt(0), length: open[1].length };
      return (previous = 'hidden');
    }
    if (line.trim() === '') return (previous = 'blank');
    if (/^ {0,3}>/.test(line)) return (previous = 'hidden');
    // Indented code starts after a blank line (an indented line inside a paragraph only continues it).
    if (/^(?: {4}| {0,3}\t)/.test(line) && previous !== 'text') return (previous = 'hidden');
    return (previous = 'text');
  });
}

/**
 * Inline code may span lines of one paragraph: a line whose first character is inside a code span is hidden. Spans
 * follow CommonMark: a run of n backticks opens one only when a run of exactly n closes it later in the paragraph.
 */
function hideInlineCode(lines: readonly string[], kinds: LineKind[]): void {
  let start = 0;
  while (start < lines.length) {
    if (kinds[start] !== 'text') {
      start += 1;
      continue;
    }
    let end = start;
    while (end + 1 < lines.length && kinds[end + 1] === 'text') end += 1;
    const paragraph = lines.slice(start, end + 1);
    const spans = codeSpans(paragraph.join('\n'));
    let offset = 0;
    paragraph.forEach((line, index) => {
      const first = offset + (line.length - line.trimStart().length);
      if (spans.some(([from, to]) => first > from && first < to)) kinds[start + index] = 'hidden';
      offset += line.length + 1;
    });
    start = end + 1;
  }
}

/** The [opening run start, closing run end) ranges of the code spans of a paragraph. */
function codeSpans(paragraph: string): [number, number][] {
  const runs = [...paragraph.matchAll(/(?<!\\)`+/g)].map((match) => ({ at: match.index, length: match[0].length }));
  const spans: [number, number][] = [];
  for (let index = 0; index < runs.length; index += 1) {
    const open = runs[index]!;
    const closeIndex = runs.findIndex((run, later) => later > index && run.length === open.length);
    if (closeIndex === -1) continue;
    const close = runs[closeIndex]!;
    spans.push([open.at, close.at + close.length]);
    index = closeIndex;
  }
  return spans;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
