import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { deliverGitHub, githubPayload, GITHUB_TEST_SECRET, octokitExample, signedDelivery } from './helpers/github-payloads.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { startTestWebhookServer } from './helpers/webhook-server.js';

type PullRequestJson = { number: number; pull_request: { head: { sha: string }; draft?: boolean; merged?: boolean }; repository: { full_name: string } };

describe('POST /webhook/github', () => {
  let redis: Redis;
  let starter: RecordingStarter;
  let server: WebhookServer;
  const opened = githubPayload('pull_request--opened');

  before(async () => {
    redis = await connectRedis();
  });
  beforeEach(async () => {
    await server?.close();
    starter = new RecordingStarter();
    server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: `${GITHUB_TEST_SECRET},previous-secret` });
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
  });

  const send = async (event: string, json: unknown, options: Parameters<typeof signedDelivery>[2] = {}) =>
    deliverGitHub(server.url, await signedDelivery(event, json, options));
  const pr = (json: Record<string, unknown>) => json as unknown as PullRequestJson;
  /** A payload at its own head SHA (the vendor examples share theirs). */
  const atSha = (json: Record<string, unknown>, digit: string) => {
    const copy = structuredClone(json);
    pr(copy).pull_request.head.sha = digit.repeat(40);
    return copy;
  };

  test('a signed "opened" starts one review with the unified request', async () => {
    const response = await send('pull_request', opened.json);
    const { number, repository, pull_request } = pr(opened.json);
    assert.equal(response.status, 202);
    assert.deepEqual(response.json, { status: 'accepted', workflowId: `review:github:${repository.full_name}:${number}` });
    const request = starter.started[0]!;
    assert.deepEqual(request.ref, { forge: 'github', projectId: repository.full_name, projectPath: repository.full_name, number });
    assert.equal(request.headSha, pull_request.head.sha);
    assert.equal(request.draft, false);
  });

  test('a bad, missing or foreign-secret signature is refused with 401 before the body is read', async () => {
    const good = await signedDelivery('pull_request', opened.json);
    const tampered = { headers: good.headers, body: good.body.replace('"opened"', '"closed"') };
    assert.equal((await deliverGitHub(server.url, tampered)).status, 401);
    const unsigned = { ...good.headers };
    delete unsigned['X-Hub-Signature-256'];
    assert.equal((await deliverGitHub(server.url, { headers: unsigned, body: good.body })).status, 401);
    assert.equal((await send('pull_request', opened.json, { secret: 'not-the-secret' })).status, 401);
    assert.equal(starter.started.length, 0);
  });

  test('the rotation secret is accepted too', async () => {
    assert.equal((await send('pull_request', opened.json, { secret: 'previous-secret' })).status, 202);
  });

  test('ping answers 200; other events and actions are acknowledged and ignored', async () => {
    const ping = await send('ping', githubPayload('ping--repository-hook').json);
    assert.deepEqual([ping.status, ping.json.status], [200, 'pong']);
    const comment = await send('issue_comment', githubPayload('issue_comment--created-on-pull-request').json);
    assert.deepEqual([comment.status, comment.json.status], [202, 'ignored']);
    const labeled = await send('pull_request', githubPayload('pull_request--labeled').json);
    assert.deepEqual([labeled.status, labeled.json.reason], [202, 'pull request action "labeled" needs no review']);
    assert.equal(starter.started.length, 0);
  });

  test('synchronize, reopened and ready_for_review review; drafts wait for REVIEW_DRAFTS', async () => {
    assert.equal((await send('pull_request', atSha(githubPayload('pull_request--synchronize').json, 'a'))).status, 202);
    assert.equal((await send('pull_request', atSha(githubPayload('pull_request--reopened').json, 'b'))).status, 202);
    const ready = atSha(octokitExample('pull_request', 'ready_for_review'), 'c');
    assert.equal((await send('pull_request', ready)).json.status, 'accepted');
    const draft = atSha(opened.json, 'd');
    pr(draft).pull_request.draft = true;
    assert.deepEqual((await send('pull_request', draft)).json, { status: 'ignored', reason: 'draft pull request (REVIEW_DRAFTS is off)' });
    assert.equal(starter.started.length, 3);
  });

  test('closed ends the review, merged or not', async () => {
    const merged = await send('pull_request', githubPayload('pull_request--closed-merged').json);
    assert.deepEqual([merged.status, merged.json.status], [202, 'merged']);
    const closed = await send('pull_request', githubPayload('pull_request--closed').json);
    assert.deepEqual([closed.status, closed.json.status], [202, 'closed']);
    assert.deepEqual(starter.closed.map((entry) => entry.closed.reason), ['merged', 'closed']);
  });

  test('the same delivery twice, or the same head SHA in another delivery, reviews once', async () => {
    const delivery = randomUUID();
    assert.equal((await send('pull_request', opened.json, { delivery })).status, 202);
    assert.deepEqual((await send('pull_request', opened.json, { delivery })).json, { status: 'duplicate' });
    assert.equal((await send('pull_request', opened.json)).status, 200);
    const pushed = atSha(opened.json, 'e');
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => send('pull_request', pushed)));
    assert.equal(concurrent.filter((response) => response.status === 202).length, 1);
    assert.equal(starter.started.length, 2);
  });

  test('malformed payloads answer 400 with the reason; non-JSON answers 415', async () => {
    const broken = structuredClone(opened.json);
    pr(broken).pull_request.head.sha = 'not-a-sha';
    const invalid = await send('pull_request', broken);
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.json.error), /pull_request\.head\.sha: must be a commit SHA/);
    assert.deepEqual((await send('pull_request', undefined, { body: '{"action": ' })).json, { error: 'body is not valid JSON' });
    const noEvent = await signedDelivery('pull_request', opened.json);
    delete noEvent.headers['X-GitHub-Event'];
    assert.deepEqual((await deliverGitHub(server.url, noEvent)).json, { error: 'invalid payload: X-GitHub-Event header is missing' });
    const form = await signedDelivery('pull_request', undefined, { body: 'payload=%7B%7D' });
    form.headers['Content-Type'] = 'application/x-www-form-urlencoded';
    assert.equal((await deliverGitHub(server.url, form)).status, 415);
  });
});
