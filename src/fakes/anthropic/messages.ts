import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** A content block as clients send it: text, tool_use, tool_result, image … (checked by type where it matters). */
export const RequestBlock = z.looseObject({ type: z.string() });

/** The request body of `POST /v1/messages` (the fields the fake reads; the rest passes through). */
export const MessagesRequest = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))]).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(RequestBlock)]) })).min(1),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

/** The response content blocks the fake speaks (same field names as Anthropic's). */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens';

/** The response body of `POST /v1/messages`. */
export interface MessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason;
  stop_sequence: null;
  usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
}

export type ScriptedReply =
  | { content: ContentBlock[]; stop_reason?: StopReason; delayMs?: number }
  | { error: { status: number; type: string; message: string }; retryAfterSeconds?: number }
  /** Keeps the request open until the client goes away or the server stops (a long model call). */
  | { hold: true };

/** A script step: a reply, or a function of the request that returns one (to answer from what was sent). */
export type ScriptStep = ScriptedReply | ((request: MessagesRequest) => ScriptedReply);

export function toolUse(name: string, input: Record<string, unknown>): ContentBlock {
  return { type: 'tool_use', id: `toolu_fake_${randomUUID().replaceAll('-', '').slice(0, 20)}`, name, input };
}

export function text(value: string): ContentBlock {
  return { type: 'text', text: value };
}

/** The API's error replies, by name. */
export const apiError = {
  rateLimited: (retryAfterSeconds = 0): ScriptedReply => ({ error: { status: 429, type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' }, retryAfterSeconds }),
  overloaded: (): ScriptedReply => ({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }),
  server: (): ScriptedReply => ({ error: { status: 500, type: 'api_error', message: 'Internal server error' } }),
  invalid: (message: string): ScriptedReply => ({ error: { status: 400, type: 'invalid_request_error', message } }),
};

/** Text of a content value (string or blocks), for assertions and the demo brain. */
export function textOf(content: MessagesRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => (typeof block.text === 'string' ? block.text : typeof block.content === 'string' ? block.content : ''))
    .join('\n');
}

/** The tool results of a message, by tool_use id (for assertions on what the runner sent back). */
export function toolResultsOf(message: MessagesRequest['messages'][number] | undefined): { id: string; content: string; isError: boolean }[] {
  if (!message || typeof message.content === 'string') return [];
  return message.content
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({
      id: String(block.tool_use_id),
      content: typeof block.content === 'string' ? block.content : Array.isArray(block.content) ? textOf(z.array(RequestBlock).parse(block.content)) : '',
      isError: block.is_error === true,
    }));
}
