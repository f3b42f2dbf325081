import { redactSecrets } from '../domain/redact.js';

/** Zero-width, bidirectional-override and other invisible characters used to hide instructions. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u{E0000}-\u{E007F}]/gu;
const KEY_BEGIN = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const KEY_END = /-----END [A-Z ]*PRIVATE KEY-----/;
const KEY_MATERIAL = /-----(?:BEGIN|END) [A-Z ]*PRIVATE KEY-----|[A-Za-z0-9+/=]{12,}/g;

/**
 * Cleans untrusted prose (titles, descriptions, notes) before it goes to the model as data: HTML comments
 * (invisible when rendered) and invisible characters are removed, token-like strings redacted.
 */
export function sanitizeUntrusted(text: string): string {
  return redactSecrets(text.replace(/<!--[\s\S]*?-->/g, '').replace(INVISIBLE, ''));
}

/**
 * Cleans untrusted code (a diff, file contents, search matches) without moving any line: every line stays where
 * it was, so line numbers still match the repository. HTML comments are kept (a reviewer sees them in the diff);
 * invisible characters are made visible as `⟦U+XXXX⟧` (a Trojan Source trick is something to report, not to
 * hide); token-like strings and private-key blocks are redacted line by line.
 */
export function sanitizeCode(text: string): string {
  let inKey = false;
  return text
    .split('\n')
    .map((line) => {
      const visible = line.replace(INVISIBLE, (char) => `⟦U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`);
      const starts = KEY_BEGIN.test(visible);
      if (starts) inKey = true;
      if (!inKey) return redactSecrets(visible);
      if (KEY_END.test(visible)) inKey = false;
      return visible.replace(KEY_MATERIAL, '[redacted]');
    })
    .join('\n');
}

/** Wraps untrusted text in a fence the text cannot close. `code` keeps its lines in place (see sanitizeCode). */
export function fenceUntrusted(label: string, text: string, kind: 'prose' | 'code' = 'prose'): string {
  const clean = (kind === 'code' ? sanitizeCode(text) : sanitizeUntrusted(text)).replace(/<\/?untrusted-data/gi, (tag) => tag.replace('<', '&lt;'));
  let fence = '````';
  while (clean.includes(fence)) fence += '`';
  return `<untrusted-data name="${label}">\n${fence}\n${clean}\n${fence}\n</untrusted-data>`;
}
