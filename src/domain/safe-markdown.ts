/**
 * Untrusted text (model output, file names, runner errors, settings problems) made safe to post as GitHub/GitLab
 * Markdown. Pure; no I/O.
 *
 * - `safeText` (a block: place it at the start of a line) and `safeLine` (inline: newlines become spaces) keep prose
 *   readable, but nothing in it is live: no raw HTML or HTML comment (so never one of forgebot's markers), no image,
 *   no link (a link becomes `text (url)` with the URL in a code span, where neither forge auto-links), no bare or
 *   `javascript:` URL, no `@mention` or `@group/team`, no `#12`/`!12` cross-reference, no table, no GitLab quick
 *   action. Code spans and fenced blocks stay code; a block's info string is kept only for a known language (never
 *   `suggestion`, `mermaid`, `math` …), so a body can never carry its own one-click suggestion.
 * - `codeSpan` and `fence` show their text exactly, whatever backticks it holds (CommonMark's rules); `safeCode` and
 *   `safeFence` are a code span and a block of untrusted text, made inert the same way as code inside `safeText`.
 */
import { escapeProse, inertCode, inertUrl, longestRun, splitCodeSpans, splitLinks, ZWSP, type Piece } from './safe-markdown-inline.js';

/** C0 controls but tab and newline, DEL, bidirectional overrides (Trojan Source), and zero-width spaces. */
const STRIPPED = /[\u0000-\u0008\u000B-\u001F\u007F\u200B\u202A-\u202E\u2066-\u2069]/g;

const normalize = (text: string) => text.replace(/\r\n?/g, '\n').replace(STRIPPED, '');

/**
 * `text` as one inline code span: a backtick run longer than any inside, padded with a space where CommonMark would
 * otherwise eat a backtick or a space. Line endings become spaces (as a code span renders them anyway).
 */
export function codeSpan(text: string): string {
  const content = text.replace(/\r\n?|\n/g, ' ');
  if (content === '') return '';
  const ticks = '`'.repeat(longestRun(content, '`') + 1);
  const padded = content.startsWith('`') || content.endsWith('`') || (/^ .* $/s.test(content) && !/^ +$/.test(content));
  const pad = padded ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/**
 * `text` as a fenced code block whose fence is longer than any backtick run in it (at least three): nothing in it ends
 * the block early, renders as Markdown or HTML, notifies or links. `info` loses backticks and line breaks.
 */
export function fence(text: string, info = 'text'): string {
  const body = text.replace(/\r\n?/g, '\n');
  const ticks = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${ticks}${info.replace(/[`\r\n]/g, '')}\n${body}\n${ticks}`;
}

/** Languages whose fenced blocks are only highlighted by both forges (no diagram, math, map or suggestion). */
const LANGUAGES = new Set(
  ('text txt plaintext diff patch ts typescript tsx js javascript jsx mjs cjs json jsonc json5 yaml yml toml ini env ' +
    'sh bash shell zsh fish console powershell ps1 bat cmd python py ruby rb go golang rust rs java kotlin kt scala ' +
    'groovy gradle swift objc objectivec c h cpp hpp cc cxx cs csharp fsharp php perl lua r dart elixir ex erlang ' +
    'haskell hs clojure ocaml zig nim julia sql graphql gql proto protobuf html xml svg css scss sass less vue svelte ' +
    'markdown md dockerfile docker makefile make cmake nginx terraform hcl nix regex log csv').split(' '),
);

function languageOf(info: string): string {
  const word = info.trim().split(/\s/, 1)[0]?.toLowerCase() ?? '';
  return LANGUAGES.has(word) ? word : 'text';
}

const separated = (rendered: string[]) =>
  rendered.reduce((joined, next) => (joined.endsWith('`') && next.startsWith('`') ? `${joined} ${next}` : joined + next), '');

function renderPiece(piece: Piece): string {
  if (piece.kind === 'prose') return escapeProse(piece.text);
  return codeSpan(piece.kind === 'code' ? inertCode(piece.text) : inertUrl(piece.text));
}

/** Neighbouring prose pieces as one (so that `@` + a link's text is still seen as a mention, and escaped). */
const coalesced = (pieces: Piece[]) =>
  pieces.reduce<Piece[]>((merged, piece) => {
    const last = merged.at(-1);
    if (last?.kind === 'prose' && piece.kind === 'prose') merged[merged.length - 1] = { kind: 'prose', text: last.text + piece.text };
    else merged.push(piece);
    return merged;
  }, []);

/** Inline prose: code spans stay code, URLs become code, the rest is escaped (adjacent code spans never merge). */
function inline(text: string): string {
  const pieces = splitCodeSpans(text).flatMap((piece) => (piece.kind === 'prose' ? splitLinks(piece.text) : [piece]));
  return separated(coalesced(pieces).map(renderPiece));
}

/** Untrusted text on one line (a title, a reason, a notice): inline Markdown only, nothing live. */
export function safeLine(text: string): string {
  return inline(normalize(text).replace(/\n/g, ' '));
}

/** Untrusted text as a code span (a file name, a command): shown as written, but nothing in it can notify or mark. */
export function safeCode(text: string): string {
  return codeSpan(inertCode(normalize(text)));
}

/** Untrusted text as a fenced block of plain text: shown as written, but nothing in it can notify, mark or command. */
export function safeFence(text: string): string {
  return fence(inertCode(normalize(text)));
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** Untrusted Markdown as a block (start it on its own line): readable prose and code, nothing live. */
export function safeText(text: string): string {
  const lines = normalize(text).split('\n');
  const out: string[] = [];
  let prose: string[] = [];
  const flush = () => {
    if (prose.length > 0) out.push(inline(prose.join('\n')));
    prose = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const open = FENCE_OPEN.exec(line);
    const [, indent = '', marker = '', info = ''] = open ?? [];
    if (!open || (marker.startsWith('`') && info.includes('`'))) {
      prose.push(line);
      continue;
    }
    const closer = new RegExp(`^ {0,3}${marker.startsWith('`') ? '`' : '~'}{${marker.length},}[ \\t]*$`);
    let end = index + 1;
    while (end < lines.length && !closer.test(lines[end] ?? '')) end++;
    const content = lines.slice(index + 1, end).map((inner) => inner.replace(new RegExp(`^ {0,${indent.length}}`), ''));
    flush();
    out.push(fence(inertCode(content.join('\n')), languageOf(info)));
    index = end;
  }
  flush();
  return out.join('\n');
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#91;': '[', '&#93;': ']', '&#124;': '|', '&#96;': '`', '&#47;': '/', '\\\\': '\\' };

const decode = (prose: string) => prose.replace(/&(?:amp|lt|gt|#91|#93|#124|#96|#47);|\\\\/g, (escape) => ENTITIES[escape] ?? escape);

/** Undoes safeLine's escapes (reading back a title forgebot posted), so that rendering it again gives the same line. */
export function fromSafeLine(rendered: string): string {
  const text = rendered.replaceAll(ZWSP, '');
  let plain = '';
  let last = 0;
  // Code spans as safeLine wrote them (a backtick run closed by the same run) are kept; the prose between is decoded.
  for (const span of text.matchAll(/(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)/g)) {
    plain += decode(text.slice(last, span.index)) + span[0];
    last = span.index + span[0].length;
  }
  return plain + decode(text.slice(last));
}
