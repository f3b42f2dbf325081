import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/**
 * True when `signature` (`X-Hub-Signature-256`, `sha256=<hex>`) is the HMAC-SHA256 of the raw `body` bytes under one
 * of `secrets`. The HMAC covers the bytes as received, never a decoded string (a body that is not valid UTF-8 would
 * otherwise verify as its U+FFFD-replaced text). Compares 32-byte digests with timingSafeEqual and tries every secret,
 * so timing tells neither the digest nor which secret matched.
 */
export function verifySignature(body: Buffer, signature: string | undefined, secrets: readonly string[]): boolean {
  const hex = signature === undefined ? undefined : SIGNATURE.exec(signature)?.[1];
  if (hex === undefined) return false;
  const presented = Buffer.from(hex, 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(presented, createHmac('sha256', secret).update(body).digest())) matched = true;
  }
  return matched;
}
