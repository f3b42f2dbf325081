import { codeSpan, fence } from '../../domain/safe-markdown.js';
import { attrText, childrenOf, INLINE_TYPES, inlineAtomText, isAdfDoc, isAdfNode, marksOf, MAX_ADF_DEPTH, plainText, type AdfMark, type AdfNode } from './adf.js';

// ADF → Markdown for the model (descriptions, comments, rich-text fields). Written here rather than taken from
// `adf-to-md`: that package drops mentions, task lists, panels and expands, flattens nested lists, prints to the
// console for every node it does not know, mutates its input, and ships eslint as a runtime dependency. The result is
// untrusted text (what a ticket's author wrote), meant to be read, never posted as it is.

/**
 * A rich-text value from Jira as Markdown: an ADF document (Cloud, REST v3) converted, a string (Server/DC wiki
 * markup, or a plain-text field) kept as it is, anything else (null, an absent field) empty.
 */
export function richTextToMarkdown(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\r\n?/g, '\n').trim();
  if (isAdfDoc(value)) return adfToMarkdown(value);
  return '';
}

/** An ADF node (usually the `doc`) as Markdown. */
export function adfToMarkdown(node: AdfNode): string {
  return tidy(block(node, 0));
}

/** The nodes as Markdown blocks, as they would be read one after another. */
export function adfNodesToMarkdown(nodes: AdfNode[]): string {
  return tidy(blocks(nodes, 0));
}

const tidy = (markdown: string) => markdown.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();

function blocks(nodes: AdfNode[], depth: number, separator = '\n\n'): string {
  return nodes.map((node) => block(node, depth)).filter((text) => text.trim() !== '').join(separator);
}

function block(node: AdfNode, depth: number): string {
  if (depth > MAX_ADF_DEPTH) return plainText(node);
  const children = childrenOf(node);
  const inner = depth + 1;
  switch (node.type) {
    case 'paragraph':
      return inlines(children, inner);
    case 'heading': {
      const level = Math.min(Math.max(Math.trunc(Number(attrText(node, 'level'))) || 1, 1), 6);
      return `${'#'.repeat(level)} ${inlines(children, inner).replace(/\n/g, ' ')}`;
    }
    case 'bulletList':
    case 'decisionList':
      return children.map((item) => listItem(item, '- ', inner)).join('\n');
    case 'orderedList': {
      const order = Math.trunc(Number(attrText(node, 'order') ?? 1));
      const start = Number.isFinite(order) && order >= 0 ? order : 1;
      return children.map((item, i) => listItem(item, `${start + i}. `, inner)).join('\n');
    }
    case 'taskList':
      // A nested task list is a sibling of the items in ADF; in Markdown it sits indented under the one before.
      return children.map((item) => (item.type === 'taskItem' ? listItem(item, item.attrs?.state === 'DONE' ? '- [x] ' : '- [ ] ', inner) : `  ${indent(block(item, inner), '  ')}`)).join('\n');
    case 'codeBlock':
      return fence(children.map((child) => (typeof child.text === 'string' ? child.text : '')).join(''), language(attrText(node, 'language')));
    case 'blockquote':
      return quote(blocks(children, inner));
    case 'panel':
      return quote(`**${capitalized(attrText(node, 'panelType') ?? 'info')}:** ${blocks(children, inner)}`);
    case 'rule':
      return '---';
    case 'table':
      return table(children, inner);
    case 'expand':
    case 'nestedExpand': {
      const title = attrText(node, 'title');
      return [title ? `**${title.replace(/\s+/g, ' ')}**` : '', blocks(children, inner)].filter(Boolean).join('\n\n');
    }
    case 'mediaSingle':
    case 'mediaGroup':
      return children.map(media).join('\n');
    case 'media':
      return media(node);
    case 'blockCard':
    case 'embedCard':
      return autolink(attrText(node, 'url'));
    case 'extension':
      return `[${attrText(node, 'extensionKey') ?? 'extension'}]`;
    default:
      // `doc`, layouts, bodied extensions and nodes newer than this code: their content is what matters.
      if (INLINE_TYPES.has(node.type)) return inline(node, inner);
      return blocks(children, inner);
  }
}

/** One list entry: the marker on its first line, the following lines indented under it. */
function listItem(item: AdfNode, marker: string, depth: number): string {
  const children = childrenOf(item);
  const inlineContent = item.type === 'taskItem' || item.type === 'decisionItem';
  const body = inlineContent ? mixed(children, depth + 1) : blocks(children, depth + 1, '\n');
  return `${marker}${indent(body, ' '.repeat(marker.length))}`.trimEnd();
}

/** Inline content that may hold a stray block (a task item's nested list): inline runs joined, blocks on their own lines. */
function mixed(nodes: AdfNode[], depth: number): string {
  const parts: string[] = [];
  let run: AdfNode[] = [];
  const flush = () => {
    if (run.length > 0) parts.push(inlines(run, depth));
    run = [];
  };
  for (const node of nodes) {
    if (INLINE_TYPES.has(node.type)) run.push(node);
    else {
      flush();
      parts.push(block(node, depth));
    }
  }
  flush();
  return parts.filter((part) => part.trim() !== '').join('\n');
}

const indent = (text: string, pad: string) => text.replace(/\n/g, `\n${pad}`);

const quote = (text: string) => text.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

const language = (value: string | undefined) => (value && /^[\w+#.-]{1,30}$/.test(value) ? value : '');

const autolink = (url: string | undefined) => (url ? `<${url.replace(/[<>\s]/g, encodeURIComponent)}>` : '');

function media(node: AdfNode): string {
  const alt = attrText(node, 'alt') ?? attrText(node, 'filename');
  if (node.type !== 'media') return '';
  if (attrText(node, 'type') === 'external') return `[image${alt ? `: ${alt}` : ''}: ${autolink(attrText(node, 'url'))}]`;
  return `[attachment${alt ? `: ${alt}` : ''}]`;
}

function table(rows: AdfNode[], depth: number): string {
  const cells = rows
    .filter((row) => row.type === 'tableRow')
    .map((row) => childrenOf(row).map((cell) => blocks(childrenOf(cell), depth + 1, ' ').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim()));
  const width = Math.max(0, ...cells.map((row) => row.length));
  if (width === 0) return '';
  const line = (row: string[]) => `| ${Array.from({ length: width }, (_, i) => row[i] ?? '').join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), line(Array.from({ length: width }, () => '---')), ...body.map(line)].join('\n');
}

function inlines(nodes: AdfNode[], depth: number): string {
  return nodes.map((node) => inline(node, depth)).join('');
}

function inline(node: AdfNode, depth: number): string {
  if (depth > MAX_ADF_DEPTH) return plainText(node);
  switch (node.type) {
    case 'text':
      return typeof node.text === 'string' ? withMarks(node.text, marksOf(node)) : '';
    case 'hardBreak':
      return '\n';
    case 'inlineCard':
      return autolink(attrText(node, 'url'));
    case 'mediaInline':
      return media({ ...node, type: 'media' });
    case 'placeholder':
      return '';
    default: {
      const atom = inlineAtomText(node);
      if (atom !== undefined) return atom;
      const children = childrenOf(node);
      return children.length > 0 ? inlines(children, depth + 1) : typeof node.text === 'string' ? node.text : '';
    }
  }
}

/** Text with its marks: code innermost, then emphasis, strong and strike, the link outermost. */
function withMarks(text: string, marks: AdfMark[]): string {
  const has = (type: string) => marks.some((mark) => mark.type === type);
  const href = marks.find((mark) => mark.type === 'link' && isAdfNode(mark));
  let core: string;
  let before = '';
  let after = '';
  if (has('code')) core = codeSpan(text);
  else {
    // Emphasis markers must touch the text: surrounding spaces go outside them.
    const [, lead = '', middle = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) ?? [];
    if (middle === '') return text;
    [before, core, after] = [lead, middle, trail];
    if (has('em')) core = `*${core}*`;
    if (has('strong')) core = `**${core}**`;
    if (has('strike')) core = `~~${core}~~`;
  }
  const url = href ? attrText(href, 'href') : undefined;
  if (url) core = core === url ? autolink(url) : `[${core.replace(/([[\]])/g, '\\$1')}](${/[\s()<>]/.test(url) ? autolink(url) : url})`;
  return `${before}${core}${after}`;
}
