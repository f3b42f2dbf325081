import { isUtf8 } from 'node:buffer';

export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * A webhook body as JSON. JSON on the wire is UTF-8 (RFC 8259): bytes that are not valid UTF-8 (a stray byte, an
 * overlong form, an encoded surrogate, a truncated sequence) are refused rather than replaced with U+FFFD, so what is
 * parsed is exactly what was sent (and signed). A byte order mark is kept, and so is not JSON.
 */
export function parseJsonBody(raw: unknown): JsonBody {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  if (!isUtf8(bytes)) return { ok: false, error: 'body is not valid UTF-8' };
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
}
