import { redactSecrets } from '../domain/redact.js';

/** Zero-width, bidirectional-override and other invisible characters used to hide instructions. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u{E0000}-\u{E007F}]/gu;

/** Cleans untrusted text (titles, descriptions, diffs) before it goes to the model as data. */
export function sanitizeUntrusted(text: string): string {
  return redactSecrets(text.replace(/<!--[\s\S]*?-->/g, '').replace(INVISIBLE, ''));
}

/** Wraps untrusted text in a fence the text cannot close. */
export function fenceUntrusted(label: string, text: string): string {
  const clean = sanitizeUntrusted(text).replace(/<\/?untrusted-data/gi, (tag) => tag.replace("<", "&lt;"));
  let fence = '````';
  while (clean.includes(fence)) fence += '`';
  return `<untrusted-data name="${label}">\n${fence}\n${clean}\n${fence}\n</untrusted-data>`;
}
