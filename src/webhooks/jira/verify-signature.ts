import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<64 hex digits>`: the only method Jira signs with (the hex digits in either case). */
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * True when `signature` (`X-Hub-Signature`, sent by Jira webhooks registered with a secret) is the HMAC-SHA256 of
 * the raw `body` bytes under one of `secrets` (JIRA_WEBHOOK_SECRET: several during a rotation). The HMAC covers the
 * bytes as received, never a re-serialized object. Compares 32-byte digests with timingSafeEqual and tries every
 * secret, so timing tells neither the digest nor which secret matched.
 */
export function verifyJiraSignature(body: Buffer, signature: string | undefined, secrets: readonly string[]): boolean {
  const hex = signature === undefined ? undefined : SIGNATURE.exec(signature)?.[1];
  if (hex === undefined) return false;
  const presented = Buffer.from(hex, 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(presented, createHmac('sha256', secret).update(body).digest())) matched = true;
  }
  return matched;
}
