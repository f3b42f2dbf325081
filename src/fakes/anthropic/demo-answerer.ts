import type { FeedbackDisposition } from '../../domain/agent-task.js';
import { textOf, toolUse, type MessagesRequest, type ScriptedReply } from './messages.js';

const DEMO_NOTE = '(Scripted demo answerer, no model involved: configure ANTHROPIC_API_KEY for a real answer.)';

/** The text inside the brief's `<untrusted-data name="…">` fence, if there is one. */
export function fencedData(brief: string, name: string): string | undefined {
  const match = new RegExp(`<untrusted-data name="${name}">\\n(\`{4,})\\n([\\s\\S]*?)\\n\\1\\n</untrusted-data>`).exec(brief);
  return match?.[2];
}

/** What a person's reply says of a finding, from its words (the demo's stand-in for a model's reading). */
export function dispositionOf(reply: string): FeedbackDisposition {
  const said = reply.toLowerCase().replace(/[’‘]/g, "'");
  if (/\bwon'?t[ -]?fix\b|\bby design\b|\bon purpose\b|\bintended\b/.test(said)) return 'wont-fix';
  if (/\bfalse[ -]positive\b|\bnot a bug\b|\bnot an issue\b|\bwrong\b|\bincorrect\b/.test(said)) return 'false-positive';
  if (/\bdisagree\b/.test(said)) return 'disputed';
  if (/\bfixed\b|\bdone\b|\baddressed\b/.test(said)) return 'fixed';
  return 'question';
}

/** The target as the brief fences it (`path:first-last`), with its numbered lines at the head. */
function targetOf(brief: string): { path: string; start: number; end: number; lines: string[] } | undefined {
  const match = /^(.+):(\d+)-(\d+)$/.exec(fencedData(brief, 'target') ?? '');
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const numbered = (fencedData(brief, 'target-lines') ?? '').split('\n').filter((line) => /^\s*\d+ {2}/.test(line));
  return { path: match[1], start: Number(match[2]), end: Number(match[3]), lines: numbered.map((line) => line.replace(/^\s*\d+ {2}/, '')) };
}

const plain = (text: string, max = 80) => text.replace(/[`\r\n]+/g, ' ').trim().slice(0, max);

/** A comment line in the file's language, or undefined when the demo cannot tell which. */
function commentFor(path: string, indent: string, text: string): string | undefined {
  if (/\.(ts|tsx|js|jsx|mjs|cjs|go|java|kt|c|h|cc|cpp|cs|rs|swift|php|scala)$/.test(path)) return `${indent}// TODO(forgebot demo): ${text}`;
  if (/\.(py|rb|sh|ya?ml|toml|pl|r)$/i.test(path) || /(^|\/)(Dockerfile|Makefile)$/.test(path)) return `${indent}# TODO(forgebot demo): ${text}`;
  return undefined;
}

/** The demo's change of the target lines: loose equality made strict, `var` made `const`, else a TODO comment above. */
function changed(path: string, lines: readonly string[], ask: string): string | undefined {
  const strict = lines.map((line) => line.replace(/([^=!<>])==([^=])/g, '$1===$2').replace(/\bvar\s/g, 'const '));
  if (strict.some((line, index) => line !== lines[index])) return strict.join('\n');
  const comment = commentFor(path, /^\s*/.exec(lines[0] ?? '')?.[0] ?? '', plain(ask) || 'the change asked for here');
  return comment === undefined ? undefined : [comment, ...lines].join('\n');
}

function explain(brief: string): Record<string, unknown> {
  const target = targetOf(brief);
  if (!target) return { answer: `The question names no lines, and the demo answerer only explains named lines. ${DEMO_NOTE}` };
  const span = target.start === target.end ? `line ${target.start}` : `lines ${target.start}–${target.end}`;
  const first = plain(target.lines.find((line) => line.trim() !== '') ?? '', 120);
  return { answer: `${span[0]?.toUpperCase()}${span.slice(1)} of \`${plain(target.path, 200)}\` at the head${first ? ` start with \`${first}\`` : ''}. ${DEMO_NOTE}` };
}

function suggest(brief: string): Record<string, unknown> {
  const target = targetOf(brief);
  const ask = fencedData(brief, 'ask') ?? '';
  if (!target || target.lines.length === 0) return { answer: `Name the lines to change (write the command on them), and the demo answerer suggests a change there. ${DEMO_NOTE}` };
  const replacement = changed(target.path, target.lines, ask);
  if (replacement === undefined) return { answer: `The demo answerer cannot change lines of \`${plain(target.path, 200)}\`: it knows no comment syntax for that file. ${DEMO_NOTE}` };
  const end = target.start + target.lines.length - 1;
  return {
    answer: `A change of lines ${target.start}–${end} of \`${plain(target.path, 200)}\` for: ${plain(ask) || 'your request'}. ${DEMO_NOTE}`,
    suggestion: { path: target.path, start_line: target.start, end_line: end, replacement },
  };
}

const REPLIES: Record<FeedbackDisposition, (title: string) => string> = {
  fixed: (title) => `Thanks: noted as fixed. forgebot looks at “${title}” again on the next review of this change.`,
  'wont-fix': (title) => `Understood: the code stays as it is. forgebot will not raise “${title}” again on this change.`,
  'false-positive': (title) => `Thanks for the correction: forgebot was wrong about “${title}”, and will not raise it again on this change.`,
  disputed: (title) => `forgebot still thinks “${title}” holds, for the reason in the finding; a person with access can decide.`,
  question: (title) => `“${title}” is explained in the finding above; ask again with the line you mean if something is unclear.`,
};

function reply(brief: string): Record<string, unknown> {
  const note = fencedData(brief, 'reply') ?? '';
  const title = plain(/^title: (.*)$/m.exec(fencedData(brief, 'finding') ?? '')?.[1] ?? 'the finding', 200);
  const disposition = dispositionOf(note);
  return { answer: `${REPLIES[disposition](title)} ${DEMO_NOTE}`, disposition };
}

/**
 * The answerer of demo mode (a script, not a model): answers from the brief in one turn. explain names the path and
 * lines; suggest changes the target lines (strict equality, `const`, or a TODO comment) as a suggestion; reply reads
 * the person's reply (the brief's `reply` fence) for a disposition by keyword and acknowledges it. Stateless.
 */
export function demoAnswerer(request: MessagesRequest): ScriptedReply {
  const brief = textOf(request.messages[0]?.content ?? '');
  const kind = /^Kind: (explain|suggest|reply)$/m.exec(brief)?.[1];
  const input = kind === 'reply' ? reply(brief) : kind === 'suggest' ? suggest(brief) : explain(brief);
  return { content: [toolUse('submit_answer', input)] };
}
