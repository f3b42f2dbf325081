import { redactSecrets } from '../../domain/redact.js';

// Sentry's event data is what the application had in hand when it failed: request bodies, query strings, local
// variables, log lines. Before any of it is kept (workflow history, a prompt, a comment), credentials are replaced by
// `[redacted]`: token-like strings and known secrets (redact.ts), and what names itself a credential — a key such as
// `password`, `key=value` and `Key: value` forms, a URL's user:password. Sentry's own scrubbing (`[Filtered]`) is
// kept as it is; this is the second line of defence.

const REDACTED = '[redacted]';

/** Names of fields, variables and parameters whose value is a credential. */
const SENSITIVE_NAME = /pass(?:word|wd|phrase)?$|^pwd$|secret|token|api[-_]?key|apikey|access[-_]?key|authori[sz]ation|^auth$|cookie|session(?:[-_]?id)?$|csrf|xsrf|credential|private[-_]?key|signature|^sig$|jwt|card[-_]?number|^cvc$|^cvv$|^ssn$|^otp$/i;

/** `password=hunter2`, `"api_key": "abc"`, `token: abc` in free text. */
const KEY_VALUE = /((?:["']?)\b(?:[\w-]*?(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|apikey|access[-_]?key|auth|session[-_]?id|csrf|credentials?|private[-_]?key|signature|jwt))["']?\s*[:=]\s*["']?)(\[[^\]\s]{0,20}\]|[^\s"'&,;)}\]]+)/gi;
/** `Authorization: Basic …`, `Cookie: …` lines of a logged request. */
const HEADER_LINE = /\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|x-auth-token|x-csrf-token)(\s*:\s*)[^\r\n]+/gi;
/** HTTP basic credentials and the user:password part of a URL. */
const BASIC = /\bBasic\s+[A-Za-z0-9+/=]{8,}/g;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

/** C0 controls but tab and newline, and DEL: nothing an event needs, and they confuse terminals and renderers. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;
/** Zero-width and bidirectional-override characters (used to hide text): made visible, never silently kept. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]|[\u{E0000}-\u{E007F}]/gu;

export const isSensitiveName = (name: string) => SENSITIVE_NAME.test(name);

const visible = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(INVISIBLE, (char) => `⟦U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`);

/**
 * A source line of a frame: token-like strings and known secrets redacted, invisible characters shown, but no
 * `name = value` heuristics (`const token = readToken();` is code to read, and the repository has it anyway).
 */
export function scrubCode(text: string, secrets: readonly string[] = []): string {
  return redactSecrets(visible(text), secrets);
}

/** Untrusted text from an event with credentials redacted, controls dropped and invisible characters shown. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  const cleaned = visible(text)
    .replace(HEADER_LINE, `$1$2${REDACTED}`)
    .replace(BASIC, `Basic ${REDACTED}`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(KEY_VALUE, (_match, key: string, value: string) => (value === REDACTED || value === '[Filtered]' ? `${key}${value}` : `${key}${REDACTED}`));
  return redactSecrets(cleaned, secrets);
}

/** A URL with the values of credential-named query parameters and its user:password redacted. */
export function scrubUrl(url: string, secrets: readonly string[] = []): string {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return scrubText(url, secrets);
  const [query, fragment = ''] = url.slice(queryAt + 1).split(/(?=#)/, 2);
  return `${scrubText(url.slice(0, queryAt), secrets)}?${scrubQuery(query ?? '', secrets)}${scrubText(fragment, secrets)}`;
}

/** `a=1&token=abc` with the credential-named values redacted. */
export function scrubQuery(query: string, secrets: readonly string[] = []): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return scrubText(pair, secrets);
      const name = pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape: judge the raw name.
      }
      return isSensitiveName(decoded) ? `${name}=${REDACTED}` : `${scrubText(name, secrets)}=${scrubText(pair.slice(equals + 1), secrets)}`;
    })
    .join('&');
}

/** A JSON-shaped value with credential-named fields replaced and every string scrubbed (keys too). */
export function scrubValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (depth > 20) return '[…]';
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [scrubText(key, secrets), isSensitiveName(key) && inner !== null && inner !== '' ? REDACTED : scrubValue(inner, secrets, depth + 1)]),
    );
  }
  return value;
}
