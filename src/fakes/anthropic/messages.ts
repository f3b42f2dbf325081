/** The shapes of the Messages API that the fake speaks (a subset of Anthropic's, same field names). */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system?: string | { type: 'text'; text: string }[];
  tools?: { name: string }[];
  messages: { role: 'user' | 'assistant'; content: string | ({ type: string } & Record<string, unknown>)[] }[];
}

export type ScriptedReply =
  | { content: ContentBlock[]; stop_reason?: 'end_turn' | 'tool_use' | 'max_tokens'; delayMs?: number }
  | { error: { status: number; type: string; message: string }; retryAfterSeconds?: number }
  /** Keeps the request open until the client goes away or the server stops (a long model call). */
  | { hold: true };

let toolIds = 0;
export function toolUse(name: string, input: Record<string, unknown>): ContentBlock {
  toolIds += 1;
  return { type: 'tool_use', id: `toolu_fake_${toolIds.toString().padStart(6, '0')}`, name, input };
}

export function text(value: string): ContentBlock {
  return { type: 'text', text: value };
}

/** Text of a content value (string or blocks), for assertions and the demo brain. */
export function textOf(content: MessagesRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => (typeof block.text === 'string' ? block.text : typeof block.content === 'string' ? block.content : ''))
    .join('\n');
}
