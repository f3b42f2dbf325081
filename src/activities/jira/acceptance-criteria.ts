import type { JiraTicket } from '../../domain/jira/ticket.js';
import { childrenOf, isAdfDoc, marksOf, plainText, type AdfNode } from './adf.js';
import { adfNodesToMarkdown, adfToMarkdown } from './adf-to-markdown.js';

export type AcceptanceCriteria = NonNullable<JiraTicket['acceptanceCriteria']>;

const TITLE = /^\s*acceptance\s+criteri(?:a|on)\s*:?\s*$/i;
const MAX_TEXT = 50_000;

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/**
 * A ticket's acceptance criteria, from the first of these that has any (and which one it was): the configured custom
 * field, a section of the description under an "Acceptance criteria" heading (any level) or bold line, or the
 * description's checklist (ADF task lists; `- [ ]` lines in a text description). Undefined when none has.
 */
export function acceptanceCriteriaOf(description: unknown, fieldValue?: unknown): AcceptanceCriteria | undefined {
  const field = fieldText(fieldValue).trim();
  if (field !== '') return { text: clip(field), source: 'field' };
  const section = (isAdfDoc(description) ? adfSection(childrenOf(description)) : typeof description === 'string' ? textSection(description) : '').trim();
  if (section !== '') return { text: clip(section), source: 'section' };
  const checklist = (isAdfDoc(description) ? adfChecklist(description) : typeof description === 'string' ? textChecklist(description) : '').trim();
  if (checklist !== '') return { text: clip(checklist), source: 'checklist' };
  return undefined;
}

/** A custom field's value as text: a string, an ADF document (a rich-text field), options or a list of either. */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\r\n?/g, '\n');
  if (isAdfDoc(value)) return adfToMarkdown(value);
  if (Array.isArray(value)) return value.map((item) => fieldText(item).trim()).filter(Boolean).map((item) => `- ${item.replace(/\n/g, '\n  ')}`).join('\n');
  if (value !== null && typeof value === 'object') {
    const option = value as Record<string, unknown>;
    for (const key of ['value', 'name', 'text']) if (typeof option[key] === 'string') return option[key];
  }
  return '';
}

type Title = { kind: 'heading'; level: number } | { kind: 'bold'; rest: AdfNode[] };

/** Whether `node` titles the section: a heading, or a paragraph that starts with a bold line, saying "Acceptance criteria". */
function titleOf(node: AdfNode): Title | undefined {
  if (node.type === 'heading') {
    if (!TITLE.test(plainText(node))) return undefined;
    return { kind: 'heading', level: Number(node.attrs?.level) || 1 };
  }
  if (node.type !== 'paragraph') return undefined;
  const inline = childrenOf(node);
  const lineEnd = inline.findIndex((child) => child.type === 'hardBreak');
  const line = lineEnd === -1 ? inline : inline.slice(0, lineEnd);
  const words = line.filter((child) => !(child.type === 'text' && (child.text ?? '').trim() === ''));
  const bold = words.length > 0 && words.every((child) => child.type === 'text' && marksOf(child).some((mark) => mark.type === 'strong'));
  if (!bold || !TITLE.test(words.map((child) => child.text ?? '').join(''))) return undefined;
  const rest = lineEnd === -1 ? [] : inline.slice(lineEnd + 1);
  return { kind: 'bold', rest: rest.length > 0 ? [{ type: 'paragraph', content: rest }] : [] };
}

/** The blocks after the title up to the next heading of the same or a higher level (a bold title: the next title-like line). */
function adfSection(nodes: AdfNode[]): string {
  const start = nodes.findIndex((node) => titleOf(node) !== undefined);
  if (start === -1) return '';
  const title = titleOf(nodes[start] as AdfNode) as Title;
  const ends = (node: AdfNode) => {
    if (node.type === 'heading') return title.kind === 'bold' || (Number(node.attrs?.level) || 1) <= title.level;
    return title.kind === 'bold' && isBoldLine(node);
  };
  const after = nodes.slice(start + 1);
  const end = after.findIndex(ends);
  return adfNodesToMarkdown([...(title.kind === 'bold' ? title.rest : []), ...(end === -1 ? after : after.slice(0, end))]);
}

function isBoldLine(node: AdfNode): boolean {
  if (node.type !== 'paragraph') return false;
  const words = childrenOf(node).filter((child) => !(child.type === 'text' && (child.text ?? '').trim() === ''));
  return words.length > 0 && words.every((child) => child.type === 'text' && marksOf(child).some((mark) => mark.type === 'strong'));
}

/** Every task list of the document (those not inside another), as Markdown checklists. */
function adfChecklist(doc: AdfNode): string {
  const lists: AdfNode[] = [];
  const stack: AdfNode[] = [doc];
  for (let visited = 0; stack.length > 0 && visited < 100_000; visited++) {
    const node = stack.pop() as AdfNode;
    if (node.type === 'taskList') lists.push(node);
    else stack.push(...childrenOf(node).reverse());
  }
  return lists.map((list) => adfToMarkdown(list)).join('\n');
}

interface TextTitle {
  level: number;
  text: string;
}

/** A heading line in wiki markup (`h2. …`) or Markdown (`## …`): its level and text. Bold lines are level 7. */
function textHeading(line: string): TextTitle | undefined {
  const wiki = /^\s*h([1-6])\.\s+(.*)$/.exec(line);
  if (wiki) return { level: Number(wiki[1]), text: wiki[2] ?? '' };
  const markdown = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  if (markdown) return { level: markdown[1]?.length ?? 1, text: markdown[2] ?? '' };
  const bold = /^\s*(\*\*|__|\*)(\S.*?)\1\s*:?\s*$/.exec(line);
  if (bold) return { level: 7, text: bold[2] ?? '' };
  if (TITLE.test(line) && /:\s*$/.test(line)) return { level: 7, text: line };
  return undefined;
}

/** The section of a text description (Server/DC wiki markup, or Markdown) under an "Acceptance criteria" title. */
function textSection(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) => TITLE.test(textHeading(line)?.text ?? ''));
  if (start === -1) return '';
  const level = textHeading(lines[start] as string)?.level ?? 7;
  const after = lines.slice(start + 1);
  const end = after.findIndex((line) => {
    const heading = textHeading(line);
    return heading !== undefined && (heading.level <= level || level === 7);
  });
  return (end === -1 ? after : after.slice(0, end)).join('\n');
}

/** `- [ ] …` / `* [x] …` lines of a text description. */
function textChecklist(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').filter((line) => /^\s*[-*+]\s+\[[ xX]\]\s+\S/.test(line)).join('\n');
}
