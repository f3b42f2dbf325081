/**
 * A cheap token estimate: one token per 4 characters, rounded up (Anthropic's rule of thumb for English and code;
 * the fake Messages API counts the same way). Good enough to pack batches; the API's own counts are what is billed.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
