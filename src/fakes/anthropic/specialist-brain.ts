// Reading a reviewer conversation's request, for brains and tests that answer each specialist differently.
import type { MessagesRequest } from './messages.js';

/**
 * The specialist a reviewer conversation belongs to: the first line `Specialist: <name>.` of the focus block (the
 * second block of the first user message); undefined for a single reviewer's conversation (no focus block).
 */
export function specialistOf(request: MessagesRequest): string | undefined {
  const first = request.messages[0];
  if (!first || typeof first.content === 'string') return undefined;
  const focus = first.content[1];
  return /^Specialist: ([a-z]+)\./.exec(typeof focus?.text === 'string' ? focus.text : '')?.[1];
}

/** Which turn of its conversation a request asks for (1: the first). */
export function turnOf(request: MessagesRequest): number {
  return request.messages.filter((message) => message.role === 'assistant').length + 1;
}

/** The names of the tools a request offers (a reviewer's submit_review, a validator's own submit tool …). */
export function toolNamesOf(request: MessagesRequest): string[] {
  return (request.tools ?? []).map((tool) => tool.name);
}
