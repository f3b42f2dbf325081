import { z } from 'zod';

/** Where a claim lives: files on one machine (development) or a PostgreSQL table (production). */
export const ClaimStoreKind = z.enum(['file', 'postgres']);
export type ClaimStoreKind = z.infer<typeof ClaimStoreKind>;

/** What a claim holds (`review-result`, `agent-patch`, …): lower-case words joined by `-`, part of the key. */
export const ClaimKind = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and -, at most 64');
export type ClaimKind = z.infer<typeof ClaimKind>;

/**
 * A small, history-safe reference to a large body kept outside Temporal (the claim-check pattern).
 * The key starts with a letter or digit and has no `/`, so it is always a plain file name.
 */
export const ClaimRef = z.object({
  store: ClaimStoreKind,
  key: z.string().max(200).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ., _ and -, starting with a letter or digit'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  bytes: z.number().int().nonnegative(),
});
export type ClaimRef = z.infer<typeof ClaimRef>;

/**
 * Keys are content-addressed: the same kind and body always give the same key, so a retried activity
 * that puts the same result again overwrites one object instead of leaving an orphan behind.
 */
export function claimKey(kind: ClaimKind, sha256: string): string {
  return `${kind}.${sha256}`;
}
