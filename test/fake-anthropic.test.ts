// The fake Messages API through the real @anthropic-ai/sdk client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { createFakeAnthropic, FakeAnthropic } from '../src/fakes/anthropic/fake-anthropic.js';
import { demoFindings, demoReviewer } from '../src/fakes/anthropic/demo-reviewer.js';
import { apiError, text, textOf, toolUse } from '../src/fakes/anthropic/messages.js';

const KEY = 'sk-ant-fake-test-0123456789';

describe('fake Anthropic', () => {
  const fake = createFakeAnthropic({ apiKey: KEY });
  let client: Anthropic;
  before(async () => {
    await fake.start();
    client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, timeout: 10_000 });
  });
  after(() => fake.stop());
  const ask = (c = client, options: Anthropic.RequestOptions = {}) => c.messages.create({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, options);

  test('a wrong key gets 401 authentication_error', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.url, maxRetries: 0 });
    await assert.rejects(ask(wrong), (error: unknown) => error instanceof Anthropic.AuthenticationError && /invalid x-api-key/.test(error.message));
    assert.equal(fake.requests.length, 0, 'a refused request is not recorded');
  });

  test('scripted replies come back in the real message shape; an exhausted script fails loudly', async () => {
    fake.script({ content: [text('hello')] }, { content: [text('Let me look.'), toolUse('read_file', { path: 'a.ts' })] });
    const message = await ask();
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.match(message.id, /^msg_/);
    assert.equal(message.stop_reason, 'end_turn');
    assert.deepEqual(message.content, [{ type: 'text', text: 'hello' }]);
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    const withTool = await ask();
    assert.equal(withTool.stop_reason, 'tool_use');
    const call = withTool.content[1];
    assert.ok(call?.type === 'tool_use' && call.name === 'read_file' && /^toolu_/.test(call.id));
    assert.deepEqual(call.input, { path: 'a.ts' });
    await assert.rejects(ask(), (error: unknown) => error instanceof Anthropic.InternalServerError && /script ran out at request 3/.test(String(error)));
    assert.deepEqual(fake.errors, ['fake Anthropic: the script ran out at request 3']);
    fake.errors.length = 0;
  });

  test('a script step can answer from the request', async () => {
    fake.script((request) => ({ content: [text(`you said: ${textOf(request.messages[0]!.content)}`)] }));
    const message = await ask();
    assert.deepEqual(message.content, [{ type: 'text', text: 'you said: hi' }]);
  });

  test('429 (with retry-after) and 529 come back as the SDK error classes', async () => {
    fake.script(apiError.rateLimited(7), apiError.overloaded());
    await assert.rejects(ask(), (error: unknown) => error instanceof Anthropic.RateLimitError && error.headers?.get('retry-after') === '7');
    await assert.rejects(ask(), (error: unknown) => error instanceof Anthropic.APIError && error.status === 529 && /overloaded_error/.test(error.message));
  });

  test('the SDK retries a 429 and a 529 on its own', async () => {
    const retrying = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 2 });
    fake.script(apiError.rateLimited(0), apiError.overloaded(), { content: [text('finally')] });
    const before = fake.requests.length;
    const message = await ask(retrying);
    assert.deepEqual(message.content, [{ type: 'text', text: 'finally' }]);
    assert.equal(fake.requests.length - before, 3);
  });

  test('a conversation the real API would refuse gets its 400 here too, and is recorded', async () => {
    const orphan = client.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read_file', input: {} }] },
        { role: 'user', content: 'no tool result' },
      ],
    });
    await assert.rejects(orphan, (error: unknown) => error instanceof Anthropic.BadRequestError && /tool_use` ids were found without `tool_result`/.test(error.message));
    assert.equal(fake.errors.length, 1);
    fake.errors.length = 0;
  });

  test('a held reply ends when the client goes away; a delayed one arrives', async () => {
    fake.script({ hold: true }, { content: [text('late')], delayMs: 150 });
    const controller = new AbortController();
    const asked = fake.requests.length;
    const held = ask(client, { signal: controller.signal });
    while (fake.requests.length === asked) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fake.abortedHolds, 0, 'still held');
    controller.abort();
    await assert.rejects(held, (error: unknown) => error instanceof Anthropic.APIUserAbortError);
    for (let tries = 0; fake.abortedHolds === 0 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(fake.abortedHolds, 1);
    const started = Date.now();
    const late = await ask();
    assert.deepEqual(late.content, [{ type: 'text', text: 'late' }]);
    assert.ok(Date.now() - started >= 140);
    assert.equal(fake.requests.length, asked + 2);
  });
});

describe('fake Anthropic: stopping', () => {
  test('stop() ends a held request', async () => {
    const fake = new FakeAnthropic({ apiKey: KEY }).script({ hold: true });
    await fake.start();
    const client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
    const held = client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await fake.stop();
    await assert.rejects(held, (error: unknown) => error instanceof Anthropic.APIConnectionError);
  });
});

describe('demo reviewer', () => {
  const diff = ['diff --git a/src/x.ts b/src/x.ts', '--- a/src/x.ts', '+++ b/src/x.ts', '@@ -1,2 +1,4 @@', ' const a = 1;', '+const out = eval(input);', ' const b = 2;', '+if (a == b) {}', '@@ -10,1 +12,3 @@', ' x();', '+const password = "hunter2hunter2";', '+// TODO: remove', ''].join('\n');

  test('finds seeded problems at their new-file lines', () => {
    const findings = demoFindings(diff);
    assert.deepEqual(findings.map((f) => [f.path, f.line, f.severity, f.title]), [
      ['src/x.ts', 2, 'blocker', 'eval() runs arbitrary code'],
      ['src/x.ts', 4, 'minor', 'Loose equality'],
      ['src/x.ts', 13, 'major', 'Hard-coded credential'],
      ['src/x.ts', 14, 'nit', 'Unresolved TODO'],
    ]);
    assert.equal(findings[1]?.suggestion, 'if (a === b) {}');
  });

  test('through the SDK: looks around first, then submits the seeded eval( at its line', async () => {
    const fake = createFakeAnthropic({ apiKey: KEY, brain: demoReviewer });
    await fake.start();
    try {
      const client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: `Review this.\n\n${diff}` }];
      const first = await client.messages.create({ model: 'demo', max_tokens: 1000, messages });
      const look = first.content.find((block) => block.type === 'tool_use');
      assert.ok(look?.type === 'tool_use' && look.name === 'list_files');
      messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: look.id, content: 'src/x.ts' }] });
      const second = await client.messages.create({ model: 'demo', max_tokens: 1000, messages });
      const submit = second.content.find((block) => block.type === 'tool_use');
      assert.ok(submit?.type === 'tool_use' && submit.name === 'submit_review');
      const input = submit.input as { summary: string; findings: { path: string; line: number; title: string }[] };
      assert.deepEqual(input.findings[0] && [input.findings[0].path, input.findings[0].line, input.findings[0].title], ['src/x.ts', 2, 'eval() runs arbitrary code']);
      assert.match(input.summary, /4 finding/);
      assert.deepEqual(fake.errors, []);
    } finally {
      await fake.stop();
    }
  });
});
