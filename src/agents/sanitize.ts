/** Token-like strings that must never reach a prompt, a log or a comment. */
const SECRET_PATTERNS: RegExp[] = [
  /glpat-[A-Za-z0-9_-]{10,}/g,
  /gl(?:oas|dt|rt|cbt|ptt|ft|imt|agent|soat|ffct)-[A-Za-z0-9_-]{10,}/g,
  /sk-ant-[A-Za-z0-9_-]{10,}/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /xox[abpr]-[A-Za-z0-9-]{10,}/g,
  /AKIA[0-9A-Z]{16}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** Zero-width, bidirectional-override and other invisible characters used to hide instructions. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u{E0000}-\u{E007F}]/gu;

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((result, pattern) => result.replace(pattern, '[redacted]'), text);
}

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
