import { recordApiCall, statusClass, type ApiService } from './forgebot-metrics.js';

/**
 * `fetch` that counts each call in forgebot_api_calls_total by service and answer class; a call that gets no answer
 * (timeout, refused connection) counts as `error` and rethrows. The HTTP clients of the forges, Sentry and Jira send
 * every request through it, so one wrapper sees every call, retries included.
 */
export function meteredFetch(service: ApiService, fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (error) {
      recordApiCall({ service, status: 'error' });
      throw error;
    }
    recordApiCall({ service, status: statusClass(response.status, response.headers) });
    return response;
  };
}
