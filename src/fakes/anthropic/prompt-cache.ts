import { createHash } from 'node:crypto';
import type { MessagesRequest } from './messages.js';

export const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** How far before a breakpoint the API looks for an earlier cached prefix (Anthropic documents about 20 blocks). */
const LOOKBACK_BLOCKS = 20;

interface Block {
  tokens: number;
  /** Hash of every block up to and including this one, cache_control markers left out. */
  prefixKey: string;
  breakpoint: boolean;
}

type Usage = { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };

/** The request as the cache sees it: tools, then system blocks, then every message's content blocks, in order. */
function blocksOf(request: MessagesRequest): Block[] {
  const parts: unknown[] = [
    ...(request.tools ?? []),
    ...(typeof request.system === 'string' ? [{ type: 'text', text: request.system }] : (request.system ?? [])),
    ...request.messages.flatMap((message) =>
      typeof message.content === 'string' ? [{ role: message.role, type: 'text', text: message.content }] : message.content.map((block) => ({ role: message.role, ...block })),
    ),
  ];
  let key = '';
  return parts.map((part) => {
    const { cache_control: marker, ...content } = part as Record<string, unknown>;
    const text = JSON.stringify(content);
    key = createHash('sha256').update(key).update(text).digest('hex');
    return { tokens: estimateTokens(text), prefixKey: key, breakpoint: marker !== undefined };
  });
}

/**
 * Prompt caching as the Messages API accounts for it: each `cache_control` breakpoint caches the prefix that ends
 * there; a request reads the longest cached prefix found at a breakpoint or up to LOOKBACK_BLOCKS before one (so a
 * breakpoint that moves forward each turn still hits the previous turn's prefix), writes the rest up to its last
 * breakpoint, and pays full price only after it. Simplified: no minimum cacheable length, no expiry.
 */
export class PromptCache {
  private readonly cached = new Set<string>();

  usageFor(request: MessagesRequest): Usage {
    const { usage, commit } = this.plan(request);
    commit();
    return usage;
  }

  /**
   * The usage of a request that arrives now, and `commit` to call when its answer is sent: like the API's, an entry
   * becomes readable only once the request that writes it has answered (concurrent requests each write it).
   */
  plan(request: MessagesRequest): { usage: Usage; commit(): void } {
    const blocks = blocksOf(request);
    const breakpoints = blocks.flatMap((block, index) => (block.breakpoint ? [index] : []));
    const total = blocks.reduce((sum, block) => sum + block.tokens, 0);
    if (breakpoints.length === 0) return { usage: { input_tokens: total, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }, commit: () => undefined };

    let readEnd = -1;
    for (const breakpoint of breakpoints) {
      for (let index = breakpoint; index >= Math.max(0, breakpoint - LOOKBACK_BLOCKS); index--) {
        if (this.cached.has(blocks[index]!.prefixKey)) {
          readEnd = Math.max(readEnd, index);
          break;
        }
      }
    }
    const writeEnd = Math.max(...breakpoints);
    const commit = () => {
      for (const breakpoint of breakpoints) this.cached.add(blocks[breakpoint]!.prefixKey);
    };
    const tokensIn = (from: number, to: number) => blocks.slice(from, to + 1).reduce((sum, block) => sum + block.tokens, 0);
    const read = tokensIn(0, readEnd);
    const written = writeEnd > readEnd ? tokensIn(readEnd + 1, writeEnd) : 0;
    return { usage: { input_tokens: total - read - written, cache_read_input_tokens: read, cache_creation_input_tokens: written }, commit };
  }
}
