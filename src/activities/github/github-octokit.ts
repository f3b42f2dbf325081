import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from '../../logger.js';
import { meteredFetch } from '../../workers/metrics/metered-fetch.js';

/** Octokit with GitHub's rate-limit handling (throttling) and bounded retries of 5xx answers (retry). */
export const GitHubOctokit = Octokit.plugin(throttling, retry);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

export interface OctokitSettings {
  /** `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
  baseUrl: string;
  /** Per request. */
  timeoutMs: number;
  /** Rate-limit waits up to this long are spent in place; a longer one fails the call with the wait (see github-errors.ts). */
  maxInlineWaitMs?: number;
  /** Attempts after the first for a 5xx answer (never for writes that are not safe to repeat). Default 2. */
  retries?: number;
  logger?: Logger;
}

/** Lets the throttling plugin wait in place only for short waits, at most twice per request. */
function onLimit(maxInlineWaitMs: number, logger: Logger | undefined, kind: string) {
  return (retryAfterSeconds: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
    const inPlace = retryAfterSeconds * 1000 <= maxInlineWaitMs && retryCount < 2;
    logger?.warn({ kind, retryAfterSeconds, method: options.method, url: options.url, inPlace }, 'github rate limit');
    return inPlace;
  };
}

/** The constructor options every forgebot Octokit shares: base URL, timeouts, throttling, retries. */
export function octokitOptions(settings: OctokitSettings) {
  const maxInlineWaitMs = settings.maxInlineWaitMs ?? 5_000;
  return {
    baseUrl: settings.baseUrl.replace(/\/+$/, ''),
    userAgent: 'forgebot',
    request: {
      fetch: (url: string | URL, init?: RequestInit) => meteredFetch('github')(url, { ...init, signal: AbortSignal.timeout(settings.timeoutMs) }),
    },
    throttle: {
      onRateLimit: onLimit(maxInlineWaitMs, settings.logger, 'primary'),
      onSecondaryRateLimit: onLimit(maxInlineWaitMs, settings.logger, 'secondary'),
    },
    // 403 and 429 are the throttling plugin's; 4xx are final.
    retry: { retries: settings.retries ?? 2, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451], retryAfterBaseValue: 250 },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  };
}
