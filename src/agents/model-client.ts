import Anthropic from '@anthropic-ai/sdk';
import { redactingFetch } from './redacting-fetch.js';

export interface RunnerSecretsEnv {
  anthropicApiKey: string;
  anthropicBaseUrl?: string;
  cloneToken?: string;
}

/** The SDK retries 408/409/429/5xx/529 and connection errors with exponential backoff (and retry-after): at most this many times. */
export const MODEL_MAX_RETRIES = 4;
/** Per request; a review turn with a long output takes a minute or two. */
export const MODEL_TIMEOUT_MS = 180_000;

/** The values the runner must never send or return, whatever they look like. */
export function knownSecrets(secrets: RunnerSecretsEnv): string[] {
  return [secrets.anthropicApiKey, ...(secrets.cloneToken ? [secrets.cloneToken] : [])];
}

/** The Anthropic client the runner uses, with its retry bound and timeout made explicit. */
export function createModelClient(secrets: RunnerSecretsEnv): Anthropic {
  return new Anthropic({
    apiKey: secrets.anthropicApiKey,
    ...(secrets.anthropicBaseUrl ? { baseURL: secrets.anthropicBaseUrl } : {}),
    maxRetries: MODEL_MAX_RETRIES,
    timeout: MODEL_TIMEOUT_MS,
    fetch: redactingFetch(knownSecrets(secrets)),
  });
}

