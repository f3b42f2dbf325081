// The fake Messages API through the real @anthropic-ai/sdk client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { demoFindings, demoReviewer } from '../src/fakes/anthropic/demo-reviewer.js';
import { text } from '../src/fakes/anthropic/messages.js';

const KEY = 'sk-ant-fake-test-0123456789';

describe('fake Anthropic', () => {
  const fake = new FakeAnthropic({ apiKey: KEY });
  let client: Anthropic;
  before(async () => {
    await fake.start();
    client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
  });
  after(() => fake.stop());
  const ask = (c = client) => c.messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

  test('a wrong key gets 401 authentication_error', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.url, maxRetries: 0 });
    await assert.rejects(ask(wrong), (error: unknown) => error instanceof Anthropic.AuthenticationError);
  });

  test('scripted replies come back in the real message shape; an exhausted script fails loudly', async () => {
    fake.script({ content: [text('hello')] });
    const message = await ask();
    assert.equal(message.type, 'message');
    assert.equal(message.stop_reason, 'end_turn');
    assert.deepEqual(message.content, [{ type: 'text', text: 'hello' }]);
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    await assert.rejects(ask(), (error: unknown) => error instanceof Anthropic.InternalServerError && /script ran out/.test(String(error)));
    assert.equal(fake.errors.length, 1);
  });

  test('429 and 529 come back as the SDK error classes', async () => {
    fake.script({ error: { status: 429, type: 'rate_limit_error', message: 'slow down' }, retryAfterSeconds: 1 }, { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    await assert.rejects(ask(), (error: unknown) => error instanceof Anthropic.RateLimitError);
    await assert.rejects(ask(), (error: unknown) => error instanceof Anthropic.APIError && error.status === 529);
  });
});

describe('demo reviewer', () => {
  const diff = ['diff --git a/src/x.ts b/src/x.ts', '--- a/src/x.ts', '+++ b/src/x.ts', '@@ -1,2 +1,4 @@', ' const a = 1;', '+const out = eval(input);', ' const b = 2;', '+if (a == b) {}', ''].join('\n');

  test('finds seeded problems at their new-file lines', () => {
    const findings = demoFindings(diff);
    assert.deepEqual(findings.map((f) => [f.path, f.line, f.severity, f.title]), [
      ['src/x.ts', 2, 'blocker', 'eval() runs arbitrary code'],
      ['src/x.ts', 4, 'minor', 'Loose equality'],
    ]);
    assert.equal(findings[1]?.suggestion, 'if (a === b) {}');
  });

  test('looks around first, then submits', () => {
    const first = demoReviewer({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: diff }] });
    assert.ok('content' in first && first.content.some((block) => block.type === 'tool_use' && block.name === 'list_files'));
    const second = demoReviewer({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: diff }, { role: 'assistant', content: [] }, { role: 'user', content: [] }] });
    assert.ok('content' in second);
    const submit = second.content.find((block) => block.type === 'tool_use');
    assert.equal(submit?.type === 'tool_use' ? submit.name : '', 'submit_review');
  });
});
