import type { TokenUsage } from './finding.js';

/** US dollars per million tokens (Anthropic's list prices; cache writes at the 5-minute TTL rate). */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const opus45: ModelPrice = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };

/**
 * From Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing). A model id matches its key, or
 * its key plus a date (`claude-sonnet-4-5-20250929`). A model not listed has no cost: it is reported unknown, not guessed.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 0.25 },
  'claude-mythos-5-1': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 0.25 },
  'claude-fable-5': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
  'claude-mythos-5': { input: 10, output: 50, cacheWrite: 12.5, cacheRead: 1 },
  'claude-opus-5': opus45,
  'claude-opus-4-8': opus45,
  'claude-opus-4-7': opus45,
  'claude-opus-4-6': opus45,
  'claude-opus-4-5': opus45,
  'claude-opus-4-1': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
};

export function priceOf(model: string): ModelPrice | undefined {
  const key = /^(.+)-\d{8}$/.exec(model)?.[1] ?? model;
  return Object.hasOwn(MODEL_PRICES, key) ? MODEL_PRICES[key] : undefined;
}

/** The cost of `usage` in US dollars, or undefined when the model has no known price (never guessed). */
export function costOf(model: string, usage: Omit<TokenUsage, 'turns'>): number | undefined {
  const price = priceOf(model);
  if (!price) return undefined;
  const micro = usage.inputTokens * price.input + usage.outputTokens * price.output + usage.cacheWriteTokens * price.cacheWrite + usage.cacheReadTokens * price.cacheRead;
  return micro / 1_000_000;
}

export function formatUsd(usd: number): string {
  return `$${usd < 0.01 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
