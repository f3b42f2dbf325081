import { markdownToAdf as marklassian } from 'marklassian';
import { attrText, childrenOf, marksOf, type AdfDoc, type AdfMark, type AdfNode } from './adf.js';

// Markdown → ADF for what forgebot posts to Jira (comments), with `marklassian` (CommonMark + GFM through `marked`),
// then held to what plain Markdown can mean:
// - marklassian ≥ 1.2 turns an `<adf>…</adf>` block into the raw ADF nodes it holds: a comment quoting untrusted
//   text could then carry a `mention` (notifying anyone) or any other node. Such tags are made text before conversion.
// - Only the nodes and marks Markdown produces are kept; a link keeps its mark only for http(s) and mailto URLs.
// - An image becomes a link to it: Jira would otherwise load the external URL for everyone who opens the ticket.
// - Entity references (`&lt;`, `&#91;`, as forgebot's safe-markdown writes them) are decoded in prose, as CommonMark
//   renders them; marked leaves them to an HTML renderer that ADF does not have.

const BLOCKS = new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'taskList', 'taskItem', 'codeBlock', 'blockquote', 'rule', 'table', 'tableRow', 'tableHeader', 'tableCell']);
const INLINES = new Set(['text', 'hardBreak']);
const MARKS = new Set(['strong', 'em', 'strike', 'code', 'link']);
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
/** Containers that ADF requires to hold at least one block. */
const NON_EMPTY = new Set(['listItem', 'tableCell', 'tableHeader', 'blockquote']);

const ADF_TAG = /<(\/?adf)(?=[\s>/]|$)/gi;
const ESCAPED_ADF_TAG = /&lt;(\/?adf)(?=[\s>/]|$)/gi;

/** Markdown as an ADF document for Jira Cloud's REST API v3. */
export function markdownToAdf(markdown: string): AdfDoc {
  const source = markdown.replace(/\r\n?/g, '\n').replace(ADF_TAG, '&lt;$1');
  return { type: 'doc', version: 1, content: cleanAll(marklassian(source).content as AdfNode[]) };
}

function cleanAll(nodes: AdfNode[]): AdfNode[] {
  return nodes.flatMap(clean);
}

function clean(node: AdfNode): AdfNode[] {
  if (node.type === 'mediaSingle') return imageAsLink(node);
  if (node.type === 'text') return cleanText(node);
  if (!BLOCKS.has(node.type) && !INLINES.has(node.type)) return [];
  if (node.type === 'codeBlock') {
    const text = childrenOf(node).map((child) => (typeof child.text === 'string' ? child.text.replace(ESCAPED_ADF_TAG, '<$1') : '')).join('');
    return [{ type: 'codeBlock', ...(node.attrs ? { attrs: node.attrs } : {}), content: text === '' ? [] : [{ type: 'text', text }] }];
  }
  const content = node.content === undefined ? undefined : cleanAll(childrenOf(node));
  const cleaned: AdfNode = { type: node.type, ...(node.attrs ? { attrs: node.attrs } : {}), ...(content ? { content } : {}) };
  if (NON_EMPTY.has(node.type) && (content?.length ?? 0) === 0) cleaned.content = [{ type: 'paragraph', content: [] }];
  return [cleaned];
}

function cleanText(node: AdfNode): AdfNode[] {
  const marks = marksOf(node).filter((mark) => MARKS.has(mark.type) && (mark.type !== 'link' || SAFE_HREF.test(attrText(mark, 'href') ?? '')));
  const code = marks.some((mark) => mark.type === 'code');
  const raw = typeof node.text === 'string' ? node.text : '';
  const text = code ? raw.replace(ESCAPED_ADF_TAG, '<$1') : decodeEntities(raw);
  if (text === '') return [];
  return [{ type: 'text', text, ...(marks.length > 0 ? { marks: marks.map((mark): AdfMark => ({ type: mark.type, ...(mark.attrs ? { attrs: mark.attrs } : {}) })) } : {}) }];
}

/** `![alt](url)` → a paragraph holding `alt` linked to the URL (or `alt (url)` for a URL that is not http(s)). */
function imageAsLink(node: AdfNode): AdfNode[] {
  const media = childrenOf(node).find((child) => child.type === 'media');
  const url = media ? attrText(media, 'url') : undefined;
  if (!url) return [];
  const alt = decodeEntities(attrText(media ?? node, 'alt') ?? '') || url;
  const text: AdfNode = SAFE_HREF.test(url) ? { type: 'text', text: alt, marks: [{ type: 'link', attrs: { href: url } }] } : { type: 'text', text: `${alt} (${url})` };
  return [{ type: 'paragraph', content: [text] }];
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** HTML character references (the named ones Markdown writers use, and every numeric one) as the characters. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (!name.startsWith('#')) return NAMED[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code);
  });
}
