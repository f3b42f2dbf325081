// What a conversation's tool calls asked and got back, read from the request (the fake brains are stateless).
import { toolResultsOf, type MessagesRequest } from './messages.js';

export interface ToolExchange {
  name: string;
  input: Record<string, unknown>;
  /** The tool's result text; undefined while no result came back for the call. */
  output?: string;
  isError: boolean;
}

/** Every tool call of the conversation's assistant turns, in order, with its result. */
export function toolExchanges(request: MessagesRequest): ToolExchange[] {
  const results = new Map(request.messages.filter((message) => message.role === 'user').flatMap((message) => toolResultsOf(message)).map((result) => [result.id, result]));
  return request.messages.filter((message) => message.role === 'assistant').flatMap((message) => {
    if (typeof message.content === 'string') return [];
    return message.content.flatMap((block): ToolExchange[] => {
      if (block.type !== 'tool_use') return [];
      const result = results.get(String(block.id));
      const input = typeof block.input === 'object' && block.input !== null ? (block.input as Record<string, unknown>) : {};
      return [{ name: String(block.name), input, ...(result ? { output: result.content } : {}), isError: result?.isError === true }];
    });
  });
}

/** The text a successful call of `name` whose input has `key: value` returned. */
export function outputOf(exchanges: readonly ToolExchange[], name: string, key: string, value: string): string | undefined {
  return exchanges.find((exchange) => exchange.name === name && exchange.input[key] === value && !exchange.isError)?.output;
}
