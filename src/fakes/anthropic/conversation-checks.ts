import type { MessagesRequest } from './messages.js';

/**
 * The conversation rules the real Messages API enforces with a 400 `invalid_request_error`; the fake enforces them
 * too, so a runner that breaks them fails here rather than in production. Returns the first problem, if any.
 */
export function conversationProblem(request: MessagesRequest): string | undefined {
  const { messages } = request;
  if (messages[0]?.role !== 'user') return 'messages: first message must use the "user" role';
  for (const [index, message] of messages.entries()) {
    const last = index === messages.length - 1;
    const empty = message.content.length === 0 || (Array.isArray(message.content) && message.content.every((block) => block.type === 'text' && block.text === ''));
    if (empty && !(last && message.role === 'assistant')) {
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    }
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    const asked = message.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
    if (asked.length === 0 || last) continue;
    const next = messages[index + 1];
    const answered = new Set(
      next && Array.isArray(next.content) && next.role === 'user' ? next.content.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)) : [],
    );
    const missing = asked.filter((id) => !answered.has(id));
    if (missing.length > 0) {
      return `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    const previous = messages[index - 1];
    const asked = new Set(previous && Array.isArray(previous.content) ? previous.content.filter((block) => block.type === 'tool_use').map((block) => String(block.id)) : []);
    const stray = message.content.find((block) => block.type === 'tool_result' && !asked.has(String(block.tool_use_id)));
    if (stray) return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(stray.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
  }
  return undefined;
}
