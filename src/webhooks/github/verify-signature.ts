import { verify } from '@octokit/webhooks-methods';

/**
 * True when `signature` (`X-Hub-Signature-256`, `sha256=<hex>`) is the HMAC-SHA256 of the raw `body` under one of
 * `secrets`. octokit's `verify` compares in constant time; every secret is tried, so timing does not tell which matched.
 */
export async function verifySignature(body: Buffer, signature: string | undefined, secrets: readonly string[]): Promise<boolean> {
  if (signature === undefined || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
  const payload = body.toString('utf8');
  const results = await Promise.all(secrets.map((secret) => verify(secret, payload, signature).catch(() => false)));
  return results.includes(true);
}
