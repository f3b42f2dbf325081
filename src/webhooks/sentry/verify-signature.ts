import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^[0-9a-fA-F]{64}$/;

/**
 * True when `signature` (`Sentry-Hook-Signature`: the hex HMAC-SHA256 of the body, no prefix) is the HMAC of the raw
 * `body` bytes under one of `secrets` (the integration's client secret; several during a rotation). The HMAC covers
 * the bytes as received — Sentry signs exactly the JSON text it sends — never a re-serialized object. Compares 32-byte
 * digests with timingSafeEqual and tries every secret, so timing tells neither the digest nor which secret matched.
 */
export function verifySentrySignature(body: Buffer, signature: string | undefined, secrets: readonly string[]): boolean {
  if (signature === undefined || !SIGNATURE.test(signature)) return false;
  const presented = Buffer.from(signature, 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(presented, createHmac('sha256', secret).update(body).digest())) matched = true;
  }
  return matched;
}
