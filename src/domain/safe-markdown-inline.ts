/**
 * The inline half of safe-markdown.ts: untrusted prose split into text, code and URLs, each made inert.
 * Pure; no I/O. See safe-markdown.ts for what "inert" means and why.
 */

/**
 * Zero-width space. Between `@` and a name it stops the mention parsers of GitHub and GitLab (they run on the rendered
 * text, where a backslash or an entity is already gone; a code span works on both too, but not in e-mail replies,
 * which quote the plain text). The same trick is what GitHub's own Dependabot does for the changelogs it quotes.
 */
export const ZWSP = '\u200B';

const PROSE_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '[': '&#91;',
  ']': '&#93;',
  '|': '&#124;',
  '`': '&#96;',
};

/** The longest run of `char` in `text` (0 when there is none). */
export function longestRun(text: string, char: '`' | '~'): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/** `@name` never notifies: `@` + word character gets a zero-width space in between. */
const neutralizeMentions = (text: string) => text.replace(/@(?=[A-Za-z0-9_])/g, `@${ZWSP}`);
/** In code and URLs, which are inert anyway: no `](` either, so no rendering of it ever holds link syntax. */
const neutralizeCode = (text: string) => neutralizeMentions(text).replace(/\]\(/g, `]${ZWSP}(`);

/**
 * Prose: mentions and cross-references (`#12`, `!12`, GitLab's `&12` epics, `$12` snippets, `%12`, `~12`, `^12`) no
 * longer link or notify; every character that could open HTML, a link, an image, a table, a code span or an escape is
 * an entity; a `/` that starts a line (a GitLab quick action) is an entity too.
 */
export function escapeProse(text: string): string {
  return neutralizeMentions(text)
    .replace(/([#!$%^~&])(?=\d)/g, `$1${ZWSP}`)
    .replace(/[\\&<>[\]|`]/g, (char) => PROSE_ESCAPES[char] ?? char)
    .replace(/^([ \t]*)\//gm, '$1&#47;');
}

/**
 * Text inside code (a span or a block) from untrusted input: code does not render HTML, links or mentions, but `<` and
 * `>` become look-alikes (so no forgebot marker can ever appear in what untrusted text renders to), `@name` gets a
 * zero-width space (e-mail replies quote code as plain text), and so do `](` and a `/command` at the start of a line
 * (GitLab's quick-action parser does not skip every kind of code block).
 */
export function inertCode(text: string): string {
  return neutralizeCode(text)
    .replace(/</g, '\uFF1C')
    .replace(/>/g, '\uFF1E')
    .replace(/^([ \t]*)\/(?=[A-Za-z])/gm, `$1${ZWSP}/`);
}

/** A URL shown as code, never as a link: percent-encoded where it could close or open anything. */
export function inertUrl(url: string): string {
  return neutralizeCode(url.replace(/</g, '%3C').replace(/>/g, '%3E'));
}

export type Piece = { kind: 'prose' | 'code' | 'url'; text: string };

/**
 * Code spans of the input (a backtick run closed by the next run of the same length, within one paragraph), with
 * CommonMark's content rules (line endings → spaces, one padding space stripped); everything else is prose.
 */
export function splitCodeSpans(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('`', index);
    if (open < 0) break;
    const length = /^`+/.exec(text.slice(open))?.[0].length ?? 1;
    const runs = /`+/g;
    runs.lastIndex = open + length;
    let close = -1;
    for (let run = runs.exec(text); run; run = runs.exec(text)) {
      if (run[0].length === length) {
        close = run.index;
        break;
      }
    }
    const content = close < 0 ? '' : text.slice(open + length, close);
    if (close < 0 || /\n[ \t]*\n/.test(content)) {
      index = open + length;
      continue;
    }
    if (open > last) pieces.push({ kind: 'prose', text: text.slice(last, open) });
    const spaced = content.replace(/\n/g, ' ');
    const stripped = /^ .* $/s.test(spaced) && !/^ +$/.test(spaced) ? spaced.slice(1, -1) : spaced;
    pieces.push({ kind: 'code', text: stripped });
    index = last = close + length;
  }
  if (last < text.length) pieces.push({ kind: 'prose', text: text.slice(last) });
  return pieces;
}

const LINK = String.raw`!?\[(?<label>[^\[\]\n]*)\]\(\s*(?:<(?<angled>[^<>\n]*)>|(?<bare>(?:[^\s()]|\([^\s()]*\))*))(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)`;
const AUTOLINK = String.raw`<(?<auto>[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>`;
/** Any `scheme://…` (GitLab links every scheme), `www.…` (GitHub), and bare script-like schemes. */
const BARE_URL = String.raw`(?<url>[a-zA-Z][a-zA-Z0-9+.-]{0,31}:\/\/[^\s<>\x60]*|(?<![A-Za-z0-9])www\.[^\s<>\x60]+|\b(?:javascript|data|vbscript|file):[^\s<>\x60]*)`;
const LINKISH = new RegExp(`${LINK}|${AUTOLINK}|${BARE_URL}`, 'gi');
const URL_ONLY = new RegExp(BARE_URL, 'gi');

/** URLs inside prose become url pieces; links and images become their text and then their URL. */
export function splitLinks(text: string, pattern: RegExp = LINKISH): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags))) {
    const groups = match.groups ?? {};
    if (match.index > last) pieces.push({ kind: 'prose', text: text.slice(last, match.index) });
    last = match.index + match[0].length;
    const target = groups.angled ?? groups.bare;
    if (groups.label !== undefined && target !== undefined) {
      if (groups.label.trim() !== '') pieces.push(...splitLinks(groups.label, URL_ONLY), { kind: 'prose', text: ' (' });
      pieces.push({ kind: 'url', text: target });
      if (groups.label.trim() !== '') pieces.push({ kind: 'prose', text: ')' });
    } else {
      pieces.push({ kind: 'url', text: groups.auto ?? groups.url ?? match[0] });
    }
  }
  if (last < text.length) pieces.push({ kind: 'prose', text: text.slice(last) });
  return pieces;
}
