// Atlassian Document Format (ADF), the rich text of Jira Cloud's REST API v3: descriptions, comments and rich-text
// custom fields are `{ type: 'doc', version: 1, content: [...] }` trees of block and inline nodes with marks.
// Documents come from Jira and are untrusted: every reader here walks them defensively (any field may be missing or
// of the wrong type) and bounded in depth.

/** A node as the ADF schema describes it; readers treat every field as possibly absent. */
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: AdfMark[];
  text?: string;
}

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

/** The root of every ADF document. */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Deeper than this, a tree is read as plain text (Jira's editor nests far less; a crafted body may nest more). */
export const MAX_ADF_DEPTH = 48;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Whether `value` looks like an ADF node (an object with a string `type`). */
export function isAdfNode(value: unknown): value is AdfNode {
  return isRecord(value) && typeof value.type === 'string';
}

/** Whether `value` is an ADF document (Cloud's v3 shape), as opposed to Server/DC wiki text or null. */
export function isAdfDoc(value: unknown): value is AdfDoc {
  return isAdfNode(value) && value.type === 'doc' && Array.isArray(value.content);
}

/** The node's children that are nodes (an absent or malformed `content` reads as none). */
export function childrenOf(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content) ? node.content.filter(isAdfNode) : [];
}

/** The node's marks that are marks. */
export function marksOf(node: AdfNode): AdfMark[] {
  return Array.isArray(node.marks) ? node.marks.filter(isAdfNode) : [];
}

/** An attribute as a string (numbers too), or undefined. */
export function attrText(node: { attrs?: Record<string, unknown> }, name: string): string | undefined {
  const value = isRecord(node.attrs) ? node.attrs[name] : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The text a person reads in `node`, without formatting: text nodes, mentions and other inline atoms, blocks
 * separated by newlines. Iterative, so any depth is safe.
 */
export function plainText(node: AdfNode): string {
  const out: string[] = [];
  const stack: (AdfNode | string)[] = [node];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    if (next.type === 'text' && typeof next.text === 'string') out.push(next.text);
    else if (next.type === 'hardBreak') out.push('\n');
    else out.push(inlineAtomText(next) ?? '');
    const children = childrenOf(next);
    // A block ends with a line break; inline nodes run on.
    if (!INLINE_TYPES.has(next.type)) stack.push('\n');
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as AdfNode);
  }
  return out.join('').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Inline node types (everything else is a block). */
export const INLINE_TYPES = new Set(['text', 'hardBreak', 'mention', 'emoji', 'date', 'status', 'inlineCard', 'placeholder', 'mediaInline', 'inlineExtension']);

/** What an inline atom (mention, emoji, date, status, card) reads as, or undefined for other nodes. */
export function inlineAtomText(node: AdfNode): string | undefined {
  switch (node.type) {
    case 'mention': {
      const text = attrText(node, 'text') ?? attrText(node, 'id') ?? 'someone';
      return text.startsWith('@') ? text : `@${text}`;
    }
    case 'emoji':
      return attrText(node, 'text') ?? attrText(node, 'shortName') ?? '';
    case 'date': {
      const at = Number(attrText(node, 'timestamp'));
      return Number.isFinite(at) ? new Date(at).toISOString().slice(0, 10) : '';
    }
    case 'status':
      return `[${attrText(node, 'text') ?? ''}]`;
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard':
      return attrText(node, 'url') ?? '';
    default:
      return undefined;
  }
}
