import { verifySignature } from '../github/verify-signature.js';

/**
 * True when `signature` (`X-Hub-Signature`, sent by Jira webhooks registered with a secret) is the HMAC-SHA256 of
 * the raw `body` bytes under one of `secrets` (JIRA_WEBHOOK_SECRET: several during a rotation). The scheme is
 * GitHub's (`sha256=<hex>`, over the bytes as received, constant time, every secret tried); Jira's hex digits may come
 * in either case.
 */
export function verifyJiraSignature(body: Buffer, signature: string | undefined, secrets: readonly string[]): boolean {
  const normalized = signature?.startsWith('sha256=') ? `sha256=${signature.slice('sha256='.length).toLowerCase()}` : signature;
  return verifySignature(body, normalized, secrets);
}
