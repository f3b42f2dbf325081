import { ThreadReply } from '../domain/change-command.js';

/** ThreadReply's limit on a reply's text (UTF-16 units, zod's measure). */
export const MAX_REPLY_BODY = ThreadReply.shape.body.maxLength ?? 10_000;

/**
 * A reply's text as a ThreadReply carries it: capped to the schema's limit (never half a surrogate pair), so that a
 * long note is answered from its beginning rather than refused. Undefined when nothing but whitespace is left, which
 * asks nothing.
 */
export function replyBody(text: string | null | undefined): string | undefined {
  if (text == null || text.trim() === '') return undefined;
  if (text.length <= MAX_REPLY_BODY) return text;
  const cut = text.slice(0, MAX_REPLY_BODY);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
