/**
 * auth-app's token cache, keyed by installation (and permissions/repositories). auth-app's own cache keeps a token for
 * a fixed 59 minutes; this one reads each token's `expires_at` and stops handing it out `refreshMarginMs` before it,
 * so a call never starts with a token about to expire. `evict` drops an installation's tokens (GitHub refused one).
 */
export function createInstallationTokenCache(refreshMarginMs: number, now: () => number = Date.now) {
  const entries = new Map<string, string>();
  return {
    get(key: string): string {
      const value = entries.get(key);
      // auth-app stores `token|createdAt|expiresAt|…`.
      const expiresAt = Date.parse(value?.split('|')[2] ?? '');
      if (value === undefined || !(expiresAt - refreshMarginMs > now())) {
        entries.delete(key);
        return '';
      }
      return value;
    },
    set(key: string, value: string): void {
      entries.set(key, value);
    },
    evict(installationId: number): void {
      for (const key of entries.keys()) if (key.split('|')[0] === String(installationId)) entries.delete(key);
    },
  };
}
