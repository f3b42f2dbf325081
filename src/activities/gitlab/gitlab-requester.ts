import { setTimeout as sleep } from 'node:timers/promises';
import {
  createRequesterFn,
  GitbeakerRequestError,
  GitbeakerTimeoutError,
  type FormattedResponse,
  type ResponseBodyTypes,
} from '@gitbeaker/requester-utils';
import { retryAfterMs } from '../retry-after.js';
import { meteredFetch } from '../../workers/metrics/metered-fetch.js';

/** Answers worth another attempt: rate limited (never processed), or a proxy/GitLab briefly unavailable. */
const UNAVAILABLE = new Set([502, 503, 504]);
/** A 5xx may come after GitLab acted: only requests that are safe to repeat are repeated in place. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

const retryable = (status: number, method: string) => status === 429 || (UNAVAILABLE.has(status) && IDEMPOTENT.has(method));

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  /** Waits longer than this are not spent in the activity: the error carries the wait to Temporal instead. */
  maxInlineWaitMs: number;
  /** Wait before a retry when GitLab names none (doubles each time). */
  baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, maxInlineWaitMs: 2_000, baseDelayMs: 250 };

/** What gitbeaker's options handler passes (its rate limiters and agent are not used). */
type HandlerOptions = {
  prefixUrl?: string;
  searchParams?: string;
  method?: string;
  asStream?: boolean;
} & Pick<RequestInit, 'headers' | 'body' | 'signal'>;

async function readBody(response: Response, asStream: boolean): Promise<ResponseBodyTypes> {
  if (asStream) return response.body;
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (type === 'application/json') return ((await response.json()) as Record<string, unknown> | null) ?? {};
  if (type.startsWith('text/')) return response.text();
  return response.blob();
}

/** The error gitbeaker itself throws for a non-2xx answer (toForgeError reads its status and headers). */
async function requestError(request: Request, response: Response): Promise<GitbeakerRequestError> {
  const text = await response.text().catch(() => '');
  let description = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as { error?: unknown; message?: unknown } | null;
      const detail = parsed?.error ?? parsed?.message ?? '';
      description = typeof detail === 'string' ? detail : JSON.stringify(detail);
    } catch {
      // keep the raw text
    }
  }
  return new GitbeakerRequestError(description, { cause: { description, request, response } });
}

/**
 * gitbeaker's own request handler retries 429 and 502 ten times within ~0.3 s and ignores Retry-After. This one
 * retries a transient answer only while the wait GitLab asks for is short; a longer Retry-After becomes the error's
 * retry delay, which the activity hands to Temporal (`nextRetryDelay`), so no worker slot sleeps through it.
 */
export function createRetryAfterRequester(policy: RetryPolicy = DEFAULT_RETRY_POLICY) {
  return createRequesterFn(
    (_, options) => Promise.resolve(options),
    async (endpoint: string, rawOptions?: Record<string, unknown>): Promise<FormattedResponse> => {
      const options = rawOptions as HandlerOptions | undefined;
      const { prefixUrl = '', searchParams, method = 'GET', asStream = false, headers, body, signal } = options ?? {};
      const url = new URL(endpoint, prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`);
      url.search = searchParams ?? '';
      for (let attempt = 1; ; attempt++) {
        const request = new Request(url, { method, ...(headers && { headers }), ...(body && { body }), ...(signal && { signal }) });
        const response = await meteredFetch('gitlab')(request).catch((error: unknown) => {
          const name = error instanceof Error ? error.name : '';
          throw name === 'TimeoutError' || name === 'AbortError' ? new GitbeakerTimeoutError('Query timeout was reached') : error;
        });
        if (response.ok) return { body: await readBody(response, asStream), headers: Object.fromEntries(response.headers.entries()), status: response.status };
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? policy.baseDelayMs * 2 ** (attempt - 1);
        if (!retryable(response.status, method) || attempt >= policy.attempts || wait > policy.maxInlineWaitMs) throw await requestError(request, response);
        await response.body?.cancel();
        await sleep(wait);
      }
    },
  );
}
