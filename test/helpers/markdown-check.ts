// What a CommonMark + GFM-autolink renderer (markdown-it, raw HTML on, linkify on) makes of posted Markdown: used to
// check that untrusted text renders to nothing live.
import MarkdownIt, { type Token } from 'markdown-it';

/**
 * Autolinks as GitHub and GitLab make them: a scheme (`https://…`, GitLab: any `scheme://`) or `www.` (checked on the
 * text, see liveParts); not linkify-it's bare domains and e-mail addresses with Unicode in them, which neither forge links.
 */
const parser = new MarkdownIt({ html: true, linkify: true });
parser.linkify.set({ fuzzyLink: false, fuzzyEmail: false });

/** Every token, inline children included, in document order. */
export function tokensOf(markdown: string): Token[] {
  const flat: Token[] = [];
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      flat.push(token);
      if (token.children) walk(token.children);
    }
  };
  walk(parser.parse(markdown, {}));
  return flat;
}

export const renderHtml = (markdown: string) => parser.render(markdown);

/** forgebot's own HTML: its markers, the collapsible sections and the footer. Nothing else may be raw HTML. */
const OWN_HTML = /^(?:<!-- forgebot:(?:summary|finding:[0-9a-f]{8}) -->|<details><summary>[^<>]*<\/summary>|<\/details>|<\/?sub>)\n?$/;

export interface Live {
  links: string[];
  images: string[];
  html: string[];
  /** `@name` in rendered text outside code: what GitHub and GitLab would turn into a mention. */
  mentions: string[];
  /** Cross-references (`#12`, `!12`, `&12` …) in rendered text outside code. */
  references: string[];
  /** Fenced blocks' info strings. */
  fences: string[];
}

/** What in `markdown` would be live once rendered. */
export function liveParts(markdown: string): Live {
  const tokens = tokensOf(markdown);
  const text = tokens.filter((token) => token.type === 'text').map((token) => token.content).join('\n');
  return {
    links: [
      ...tokens.filter((token) => token.type === 'link_open').map((token) => String(token.attrGet('href') ?? '')),
      ...Array.from(text.matchAll(/(?<![A-Za-z0-9])www\.[^\s]+/g), (match) => match[0]),
    ],
    images: tokens.filter((token) => token.type === 'image').map((token) => String(token.attrGet('src') ?? '')),
    html: tokens.filter((token) => (token.type === 'html_inline' || token.type === 'html_block') && !OWN_HTML.test(token.content)).map((token) => token.content),
    mentions: Array.from(text.matchAll(/(?<![A-Za-z0-9_])@[A-Za-z0-9_][\w./-]*/g), (match) => match[0]),
    references: Array.from(text.matchAll(/[#!&$^%~]\d+/g), (match) => match[0]),
    fences: tokens.filter((token) => token.type === 'fence').map((token) => token.info),
  };
}

/** The content of every inline code span, in order. */
export const codeSpansOf = (markdown: string) => tokensOf(markdown).filter((token) => token.type === 'code_inline').map((token) => token.content);

/** The inline tokens of `markdown`'s first paragraph (or list item's text). */
export function inlineOf(markdown: string): Token[] {
  return parser.parse(markdown, {}).find((token) => token.type === 'inline')?.children ?? [];
}
