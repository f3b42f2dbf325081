/** Token-like strings that must never reach a prompt, a log, an error message or a comment. */
const SECRET_PATTERNS: RegExp[] = [
  /\bgl[a-z]{2,6}-[\w.-]{8,}/g, // GitLab personal, OAuth, deploy, runner, CI job, feed … tokens
  /sk-ant-[A-Za-z0-9_-]{10,}/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /github_pat_[A-Za-z0-9_]{20,}/g,
  /xox[abpr]-[A-Za-z0-9-]{10,}/g,
  /AKIA[0-9A-Z]{16}/g,
  /Bearer\s+[\w.~+/-]{8,}=*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

const REDACTED = '[redacted]';
/** Shorter known secrets are replaced only as they are (their encodings would match ordinary text). */
const MIN_ENCODED_SECRET = 8;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The base64 forms of `secret` wherever it sits in a longer base64 text: encoded at each of the three byte alignments,
 * without the characters at either end that depend on its neighbours.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64').replace(/=+$/, '');
    const start = Math.ceil((shift * 4) / 3);
    const end = Math.floor(((shift + bytes.length) * 4) / 3);
    const core = encoded.slice(start, end);
    if (core.length >= MIN_ENCODED_SECRET) forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** Every way a known secret may appear in text forgebot handles: as is, JSON-escaped, URL-encoded, hex, base64. */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_ENCODED_SECRET) return [secret];
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), hex, hex.toUpperCase(), ...base64Forms(secret)];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** A secret split across lines (a wrapped paste, a string concatenated over lines): whitespace between any characters. */
function splitPattern(secret: string): RegExp {
  return new RegExp([...secret].map(escapeRegExp).join('(?:\\s|\\\\n)*'), 'g');
}

type Span = [start: number, end: number];

const spansOf = (text: string, pattern: RegExp): Span[] => [...text.matchAll(pattern)].map((match): Span => [match.index, match.index + match[0].length]);

/** Where each of the given secrets appears in `text`, in any of its forms (overlapping appearances included). */
function knownSpans(text: string, secrets: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of secretForms(secret)) {
      for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    }
    if (secret.length >= MIN_ENCODED_SECRET && secret.length <= 512) spans.push(...spansOf(text, splitPattern(secret)));
  }
  return spans;
}

/**
 * `text` with each span replaced by `[redacted]`, overlapping spans as one: all matches are found on the same text, so a
 * token pattern that covers only part of a known secret (or the reverse) cannot leave the rest of it behind.
 */
function replaceSpans(text: string, spans: Span[]): string {
  let clean = '';
  let from = 0;
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    if (end <= from) continue;
    clean += start < from ? '' : `${text.slice(from, start)}${REDACTED}`;
    from = end;
  }
  return `${clean}${text.slice(from)}`;
}

/** Replaces token-like strings, and each of the given secrets in any of its forms, with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  return replaceSpans(text, [...SECRET_PATTERNS.flatMap((pattern) => spansOf(text, pattern)), ...knownSpans(text, secrets)]);
}

/** True when any of the secrets appears in `text` in any form `redactSecrets` knows. */
export function containsSecret(text: string, secrets: readonly string[]): boolean {
  return knownSpans(text, secrets).length > 0;
}

/** Every string in a JSON-shaped value redacted (object keys too): nothing of a result is left out. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactSecrets(node, secrets);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, inner]) => [redactSecrets(key, secrets), walk(inner)]));
    return node;
  };
  return walk(value) as T;
}
