import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when `token` equals one of `secrets`. Compares fixed-length digests with timingSafeEqual,
 * so neither the content nor the length of a secret leaks through timing. Checks every secret.
 */
export function verifyToken(token: string | undefined, secrets: readonly string[]): boolean {
  if (token === undefined || token.length === 0) return false;
  const presented = digest(token);
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(presented, digest(secret))) matched = true;
  }
  return matched;
}
