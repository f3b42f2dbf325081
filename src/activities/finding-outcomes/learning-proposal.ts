import { sanitizeUntrusted } from '../../agents/sanitize.js';
import type { FindingThread } from '../forge.js';

/** The most a learning's text holds (BriefLearning.text). */
export const LEARNING_TEXT_MAX = 500;
/** An accepted learning lapses after this long unless told otherwise (a maintainer renews it with `learnings edit`). */
export const DEFAULT_LEARNING_EXPIRY_DAYS = 90;

/**
 * A learning's text as a person typed it (the CLI's `--text`, `/claude learn <text>`): cleaned like any text that
 * reaches a prompt (invisible characters, HTML comments, secrets), whitespace collapsed; too long or empty is refused
 * with its length, never cut (a learning cut short may say the opposite).
 */
export function typedLearningText(text: string): { ok: true; text: string } | { ok: false; length: number } {
  const clean = sanitizeUntrusted(text).replace(/\s+/g, ' ').trim();
  return clean.length === 0 || clean.length > LEARNING_TEXT_MAX ? { ok: false, length: clean.length } : { ok: true, text: clean };
}
/** A reply shorter than this (after cleaning) gives no reason worth proposing ("wontfix", "no"). */
const MIN_REASON = 12;
/** The word itself ("won't fix:", "false positive -") is no reason: only what follows it is kept. */
const DISPOSITION_WORDS = /^(?:won'?t[ -]?fix|wontfix|false[ -]?positive|not a bug|by design|intended)\b[\s:,.;!-]*/i;

/**
 * A person's reply as a learning's text: quotes, commands and markup markers dropped, invisible characters and secrets
 * removed (sanitizeUntrusted), whitespace collapsed, prefixed with the finding it is about, capped at 500. Undefined
 * when no reason is left. Still untrusted: the brief fences it, and nothing takes effect before a maintainer accepts it.
 */
export function learningText(reply: string, finding: Pick<FindingThread, 'title' | 'path'>, word: 'wont-fix' | 'false-positive'): string | undefined {
  const reason = sanitizeUntrusted(reply)
    .split(/\r?\n/)
    .filter((line) => !/^\s*>/.test(line) && !/^\s*\/[a-z]/i.test(line))
    .join(' ')
    .replace(/[`<>]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(DISPOSITION_WORDS, '');
  if (reason.length < MIN_REASON) return undefined;
  const said = word === 'wont-fix' ? "won't fix" : 'false positive';
  const text = `"${finding.title.replace(/\s+/g, ' ').slice(0, 120)}" (${finding.path.slice(0, 120)}) was marked ${said}: ${reason}`;
  return text.length <= LEARNING_TEXT_MAX ? text : `${text.slice(0, LEARNING_TEXT_MAX - 1)}…`;
}
