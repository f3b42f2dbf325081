// The fake Anthropic's prompt-cache accounting, as the Messages API bills it: pure logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessagesRequest } from '../src/fakes/anthropic/messages.js';
import { PromptCache } from '../src/fakes/anthropic/prompt-cache.js';

const marker = { cache_control: { type: 'ephemeral' } };
const text = (words: number, extra: object = {}) => ({ type: 'text' as const, text: 'word '.repeat(words), ...extra });
const turn = (toolResultWords: number, cached: boolean) => [
  { role: 'assistant' as const, content: [{ type: 'tool_use', id: `t${toolResultWords}`, name: 'read_file', input: {} }] },
  { role: 'user' as const, content: [{ type: 'tool_result', tool_use_id: `t${toolResultWords}`, content: 'x'.repeat(toolResultWords * 5), ...(cached ? marker : {}) }] },
];
const request = (messages: MessagesRequest['messages']): MessagesRequest => ({
  model: 'claude-test',
  max_tokens: 100,
  system: [text(400, marker)],
  messages,
});
const sum = (usage: { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number }) =>
  usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;

test('a breakpoint writes its prefix once; the next request reads it and pays full price only after it', () => {
  const cache = new PromptCache();
  const brief = { role: 'user' as const, content: [text(200, marker)] };
  const first = cache.usageFor(request([brief]));
  assert.equal(first.cache_read_input_tokens, 0);
  assert.ok(first.cache_creation_input_tokens > 0);
  assert.ok(first.input_tokens < 5, 'everything sits before the last breakpoint');

  const second = cache.usageFor(request([brief, ...turn(100, false)]));
  assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens, 'the whole first prefix is read');
  assert.equal(second.cache_creation_input_tokens, 0);
  assert.ok(second.input_tokens > 0, 'the new turn is paid in full');
});

test('a breakpoint that moves to the newest tool result reads the previous turn\'s prefix and writes only the new part', () => {
  const cache = new PromptCache();
  const brief = { role: 'user' as const, content: [text(200, marker)] };
  const one = request([brief, ...turn(100, true)]);
  const first = cache.usageFor(one);
  const second = cache.usageFor(request([brief, ...turn(100, false), ...turn(300, true)]));
  assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens, 'found by looking back from the moved breakpoint');
  assert.ok(second.cache_creation_input_tokens > 0 && second.input_tokens < 5);
  assert.equal(sum(second) - sum(first), second.cache_creation_input_tokens + second.input_tokens);
});

test('no breakpoint, or a changed prefix: nothing is read from the cache', () => {
  const cache = new PromptCache();
  const plain: MessagesRequest = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hello there' }] };
  assert.deepEqual(cache.usageFor(plain), { input_tokens: cache.usageFor(plain).input_tokens, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  cache.usageFor(request([{ role: 'user', content: [text(200, marker)] }]));
  const changed = cache.usageFor({ ...request([{ role: 'user', content: [text(200, marker)] }]), system: [text(401, marker)] });
  assert.equal(changed.cache_read_input_tokens, 0, 'a different system prompt is a different prefix');
});
