import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { verifySignature } from '../src/webhooks/github/verify-signature.js';
import type { WebhookServer } from '../src/webhooks/server.js';
import { loadFixture } from './helpers/fixtures.js';
import { githubPayload, GITHUB_TEST_SECRET } from './helpers/github-payloads.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';

const MARK = '@@bytes@@';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The JSON of `json` with its pull request (or merge request) title replaced by `bytes`, taken as they are. */
function withTitleBytes(json: Record<string, unknown>, bytes: Buffer, at: 'pull_request' | 'object_attributes'): Buffer {
  const copy = structuredClone(json) as Record<string, { title: string }>;
  copy[at]!.title = `before ${MARK} after`;
  const [head = '', tail = ''] = JSON.stringify(copy).split(MARK);
  return Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(tail, 'utf8')]);
}

/** `X-Hub-Signature-256` over exactly these bytes, as GitHub computes it. */
const signatureOf = (bytes: Buffer, secret = GITHUB_TEST_SECRET) => `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;

async function post(url: string, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Invalid UTF-8: a stray byte, an overlong `/`, an encoded surrogate, a truncated sequence. */
const invalid: Record<string, Buffer> = {
  'a 0xff byte': Buffer.from([0xff]),
  'an overlong sequence': Buffer.from([0xc0, 0xaf]),
  'an encoded UTF-16 surrogate': Buffer.from([0xed, 0xa0, 0x80]),
  'a truncated sequence': Buffer.from([0xe2, 0x82]),
};

describe('raw webhook bodies', () => {
  let redis: Redis;
  let starter: RecordingStarter;
  let server: WebhookServer;
  const opened = githubPayload('pull_request--opened').json;

  before(async () => {
    redis = await connectRedis();
  });
  beforeEach(async () => {
    await server?.close();
    starter = new RecordingStarter();
    server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: `${GITHUB_TEST_SECRET},rotated-secret` });
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
  });

  const sendGitHub = (body: Buffer, signature: string) =>
    post(server.url, '/webhook/github', { 'Content-Type': 'application/json', 'X-GitHub-Event': 'pull_request', 'X-GitHub-Delivery': randomUUID(), 'X-Hub-Signature-256': signature }, body);

  test('GitHub: invalid UTF-8 signed over the raw bytes verifies as signed, then answers 400 naming the encoding', async () => {
    for (const [name, bytes] of Object.entries(invalid)) {
      const raw = withTitleBytes(opened, bytes, 'pull_request');
      const response = await sendGitHub(raw, signatureOf(raw));
      assert.deepEqual([response.status, response.json], [400, { error: 'body is not valid UTF-8' }], name);
      const rotated = await sendGitHub(raw, signatureOf(raw, 'rotated-secret'));
      assert.equal(rotated.status, 400, `${name}, rotation secret`);
    }
    assert.deepEqual(starter.calls, []);
  });

  test('GitHub: a signature over the decoded and re-encoded text does not cover the raw bytes (401)', async () => {
    for (const [name, bytes] of Object.entries(invalid)) {
      const raw = withTitleBytes(opened, bytes, 'pull_request');
      const reencoded = Buffer.from(raw.toString('utf8'), 'utf8');
      assert.notDeepEqual(reencoded, raw);
      const response = await sendGitHub(raw, signatureOf(reencoded));
      assert.deepEqual([response.status, response.json], [401, { error: 'invalid or missing X-Hub-Signature-256' }], name);
    }
    assert.deepEqual(starter.calls, []);
  });

  test('GitHub: a byte order mark is part of the signed bytes, and is not JSON', async () => {
    const plain = Buffer.from(JSON.stringify(opened), 'utf8');
    const withBom = Buffer.concat([BOM, plain]);
    assert.equal((await sendGitHub(withBom, signatureOf(plain))).status, 401);
    assert.deepEqual(await sendGitHub(withBom, signatureOf(withBom)), { status: 400, json: { error: 'body is not valid JSON' } });
    assert.deepEqual(starter.calls, []);
  });

  test('GitHub: valid multi-byte UTF-8 signed over its bytes is accepted with the text intact', async () => {
    const raw = withTitleBytes(opened, Buffer.from('café ✓ 😀', 'utf8'), 'pull_request');
    const response = await sendGitHub(raw, signatureOf(raw));
    assert.deepEqual([response.status, response.json.status], [202, 'accepted']);
    assert.equal(starter.started[0]?.title, 'before café ✓ 😀 after');
  });

  test('GitLab: a body that is not valid UTF-8 answers 400, not 500, and starts nothing', async () => {
    const fixture = loadFixture('gitlab', 'merge_request--open');
    const headers = { ...fixture.headers, 'X-Gitlab-Token': TEST_SECRET };
    for (const [name, bytes] of Object.entries(invalid)) {
      const raw = withTitleBytes(fixture.json, bytes, 'object_attributes');
      const response = await post(server.url, '/webhook/gitlab', { ...headers, 'X-Gitlab-Event-UUID': randomUUID() }, raw);
      assert.deepEqual([response.status, response.json], [400, { error: 'body is not valid UTF-8' }], name);
    }
    const good = await post(server.url, '/webhook/gitlab', { ...headers, 'X-Gitlab-Event-UUID': randomUUID() }, withTitleBytes(fixture.json, Buffer.from('naïve', 'utf8'), 'object_attributes'));
    assert.deepEqual([good.status, good.json.status], [202, 'accepted']);
    assert.equal(starter.started.length, 1);
    assert.equal(starter.started[0]?.title, 'before naïve after');
  });
});

describe('verifySignature', () => {
  const raw = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"a":"\xff"}

  test('checks the HMAC of the exact bytes under any configured secret', () => {
    assert.equal(verifySignature(raw, signatureOf(raw, 'one'), ['one', 'two']), true);
    assert.equal(verifySignature(raw, signatureOf(raw, 'two'), ['one', 'two']), true);
    assert.equal(verifySignature(raw, signatureOf(raw, 'three'), ['one', 'two']), false);
    assert.equal(verifySignature(raw, signatureOf(Buffer.from(raw.toString('utf8')), 'one'), ['one']), false);
  });

  test('refuses a missing, malformed or truncated signature, and any signature without secrets', () => {
    const good = signatureOf(raw, 'one');
    for (const signature of [undefined, '', good.slice(0, -2), `${good}00`, good.replace('sha256=', 'sha1='), `sha256=${'z'.repeat(64)}`]) {
      assert.equal(verifySignature(raw, signature, ['one']), false, String(signature));
    }
    assert.equal(verifySignature(raw, good, []), false);
  });
});
