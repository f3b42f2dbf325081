// The Sentry web API client against the fake Sentry: Sentry's paths, bearer tokens, typed failures (401/403/404
// permanent, 429 with Sentry's delay, 5xx/network/timeout retryable), Link-header pagination, idempotent comments.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { PERMANENT_ERROR_TYPES } from '../src/activities/permanent-errors.js';
import { createSentryClient, sentryApiBase } from '../src/activities/sentry/sentry-client.js';
import { SentryError, sentryRetryDelayMs, type SentryErrorCode } from '../src/activities/sentry/sentry-errors.js';
import { parseSentryLinks } from '../src/activities/sentry/sentry-pagination.js';
import { issueSummaryFromApi } from '../src/activities/sentry/issue-summary.js';
import { exampleTypeErrorEvent } from '../src/fakes/sentry/examples.js';
import { FakeSentry } from '../src/fakes/sentry/fake-sentry.js';

const TOKEN = 'sntrys_fake_integration_token_0123456789abcdef';
const ISSUE = '4512345678';
const ISSUE_PATH = `/api/0/organizations/acme/issues/${ISSUE}`;

function rejectsWith(code: SentryErrorCode, check: (error: SentryError) => void = () => {}) {
  return (error: unknown) => {
    assert.ok(error instanceof SentryError, `expected a SentryError, got ${String(error)}`);
    assert.equal(error.code, code);
    // A Temporal failure as it is: its type is the code, retryable only for rate limits and outages.
    assert.ok(error instanceof ApplicationFailure);
    assert.equal(error.type, code);
    assert.equal(error.nonRetryable, PERMANENT_ERROR_TYPES.includes(code));
    assert.ok(!error.message.includes(TOKEN), 'the token never appears in a message');
    check(error);
    return true;
  };
}

describe('Sentry client against the fake Sentry', () => {
  const sentry = new FakeSentry({ token: TOKEN });
  let client: ReturnType<typeof createSentryClient>;
  let stalls: Server;
  let stallsUrl: string;

  before(async () => {
    await sentry.start();
    client = createSentryClient({ baseUrl: sentry.url, token: TOKEN });
    sentry.addIssue({
      org: 'acme', id: ISSUE, shortId: 'SHOP-WEB-1', project: { id: '42', slug: 'shop-web' }, title: "TypeError: Cannot read properties of undefined (reading 'amount')",
      culprit: 'computeTotal(src/cart/total)', count: 57, userCount: 12, metadata: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'amount')" },
      events: [exampleTypeErrorEvent({ groupId: ISSUE, projectId: '42' })],
    });
    sentry.addIssue({ org: 'acme', id: '77', shortId: 'SHOP-WEB-2', project: { id: '42', slug: 'shop-web' }, title: 'no events yet' });
    sentry.addIssue({ org: 'other', id: '88', shortId: 'OTHER-1', project: { id: '9', slug: 'other' }, title: 'another org' });
    // A server that accepts and never answers (/stall), or redirects (/redirect/…).
    stalls = createServer((req, res) => {
      if (req.url?.startsWith('/redirect')) res.writeHead(302, { location: 'https://elsewhere.example/api/0/' }).end();
    });
    await new Promise<void>((resolve) => stalls.listen(0, '127.0.0.1', resolve));
    stallsUrl = `http://127.0.0.1:${(stalls.address() as AddressInfo).port}`;
  });
  after(async () => {
    await sentry.stop();
    stalls.closeAllConnections();
    await new Promise<void>((resolve) => stalls.close(() => resolve()));
  });

  test('reads the issue at its organization-scoped path, with a bearer token', async () => {
    const issue = await client.getIssue('acme', ISSUE);
    assert.equal(sentry.requests.at(-1), `GET ${ISSUE_PATH}/`);
    assert.deepEqual([issue.id, issue.shortId, issue.project.slug, issue.count, issue.userCount], [ISSUE, 'SHOP-WEB-1', 'shop-web', '57', 12]);
    const summary = issueSummaryFromApi('acme', issue, sentry.url);
    assert.equal(summary.count, 57, "Sentry's string count becomes a number");
    assert.equal(summary.errorType, 'TypeError');
    assert.equal(summary.webUrl, `${sentry.url}/organizations/acme/issues/${ISSUE}/`);
  });

  test('reads the latest event with its entries', async () => {
    const event = await client.latestEvent('acme', ISSUE);
    assert.equal(sentry.requests.at(-1), `GET ${ISSUE_PATH}/events/latest/`);
    assert.deepEqual(event.entries.map((entry) => entry.type), ['exception', 'breadcrumbs', 'request']);
    assert.equal(event.eventID, '9fac2ceed9344f2bbfdd1fdacb0ed9b1');
  });

  test('SENTRY_URL may end in a slash or in /api/0', async () => {
    assert.equal(sentryApiBase('https://sentry.example.com/'), 'https://sentry.example.com/api/0');
    assert.equal(sentryApiBase('https://sentry.example.com/sentry/api/0/'), 'https://sentry.example.com/sentry/api/0');
    assert.throws(() => sentryApiBase('ftp://sentry.example.com'));
    const suffixed = createSentryClient({ baseUrl: `${sentry.url}/api/0/`, token: TOKEN });
    assert.equal((await suffixed.getIssue('acme', ISSUE)).id, ISSUE);
  });

  test('401 without a token or with a wrong one: permanent ERR_SENTRY_UNAUTHORIZED', async () => {
    const bare = await fetch(`${sentry.url}${ISSUE_PATH}/`, { signal: AbortSignal.timeout(5_000) });
    assert.deepEqual([bare.status, await bare.json()], [401, { detail: 'Authentication credentials were not provided.' }]);
    const wrong = createSentryClient({ baseUrl: sentry.url, token: 'sntrys_wrong_token_value_000000' });
    await assert.rejects(wrong.getIssue('acme', ISSUE), rejectsWith('ERR_SENTRY_UNAUTHORIZED', (error) => {
      assert.match(error.message, /reading Sentry issue 4512345678: Sentry answered 401 \(Invalid token\)/);
      assert.ok(!error.message.includes('sntrys_wrong_token_value_000000'));
    }));
  });

  test('403 for a token without the scope: reading needs event:read, commenting event:write', async () => {
    sentry.addToken('sntrys_project_read_only_token_00', ['project:read']);
    sentry.addToken('sntrys_event_read_only_token_0000', ['event:read', 'project:read']);
    const projectOnly = createSentryClient({ baseUrl: sentry.url, token: 'sntrys_project_read_only_token_00' });
    await assert.rejects(projectOnly.latestEvent('acme', ISSUE), rejectsWith('ERR_SENTRY_FORBIDDEN'));
    const readOnly = createSentryClient({ baseUrl: sentry.url, token: 'sntrys_event_read_only_token_0000' });
    assert.equal((await readOnly.getIssue('acme', ISSUE)).id, ISSUE);
    await assert.rejects(readOnly.postComment('acme', ISSUE, 'hello'), rejectsWith('ERR_SENTRY_FORBIDDEN', (error) => {
      assert.match(error.message, /You do not have permission/);
    }));
    assert.deepEqual(sentry.comments(ISSUE), []);
  });

  test('404 for an unknown issue, another organization’s issue, or an issue without events', async () => {
    await assert.rejects(client.getIssue('acme', '999'), rejectsWith('ERR_SENTRY_NOT_FOUND'));
    await assert.rejects(client.getIssue('acme', '88'), rejectsWith('ERR_SENTRY_NOT_FOUND'));
    await assert.rejects(client.latestEvent('acme', '77'), rejectsWith('ERR_SENTRY_NOT_FOUND'));
  });

  test('a malformed org or issue id never reaches the URL', async () => {
    const before = sentry.requests.length;
    await assert.rejects(client.getIssue('acme/../../admin', ISSUE), rejectsWith('ERR_SENTRY_INVALID'));
    await assert.rejects(client.getIssue('acme', '12/../13'), rejectsWith('ERR_SENTRY_INVALID'));
    assert.equal(sentry.requests.length, before);
  });

  test('429 is retryable after Retry-After; then the call succeeds', async () => {
    sentry.rateLimitNext({ times: 2, seconds: 7, pathPattern: /events\/latest/ });
    const attempt = () => client.latestEvent('acme', ISSUE);
    for (let failed = 0; failed < 2; failed++) {
      await assert.rejects(attempt(), rejectsWith('ERR_SENTRY_RATE_LIMITED', (error) => {
        assert.equal(error.retryAfterMs, 7_000);
        assert.equal(error.nextRetryDelay, 7_000, 'Temporal waits what Sentry asked before the next attempt');
        assert.equal(error.permanent, false);
      }));
    }
    assert.equal((await attempt()).eventID, '9fac2ceed9344f2bbfdd1fdacb0ed9b1');
  });

  test('429 without Retry-After: the delay comes from X-Sentry-Rate-Limit-Reset', async () => {
    sentry.rateLimitNext({ seconds: 30, retryAfter: false });
    await assert.rejects(client.getIssue('acme', ISSUE), rejectsWith('ERR_SENTRY_RATE_LIMITED', (error) => {
      assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 28_000 && error.retryAfterMs <= 31_000, String(error.retryAfterMs));
    }));
    assert.equal(sentryRetryDelayMs(new Headers({ 'x-sentry-rate-limit-reset': '1000' }), 990_500), 9_500);
    assert.equal(sentryRetryDelayMs(new Headers({ 'retry-after': '2', 'x-sentry-rate-limit-reset': '1000' }), 0), 2_000);
    assert.equal(sentryRetryDelayMs(new Headers()), undefined);
  });

  test('5xx, a refused connection and a timeout are retryable ERR_SENTRY_UNAVAILABLE', async () => {
    sentry.failNext({ status: 503 });
    await assert.rejects(client.getIssue('acme', ISSUE), rejectsWith('ERR_SENTRY_UNAVAILABLE', (error) => assert.equal(error.status, 503)));
    assert.equal((await client.getIssue('acme', ISSUE)).id, ISSUE);
    const closed = createSentryClient({ baseUrl: 'http://127.0.0.1:1', token: TOKEN });
    await assert.rejects(closed.getIssue('acme', ISSUE), rejectsWith('ERR_SENTRY_UNAVAILABLE'));
    const slow = createSentryClient({ baseUrl: `${stallsUrl}/stall`, token: TOKEN, timeoutMs: 200 });
    await assert.rejects(slow.getIssue('acme', ISSUE), rejectsWith('ERR_SENTRY_UNAVAILABLE', (error) => assert.match(error.message, /did not answer in time/)));
  });

  test('a redirect is reported (the token is not carried elsewhere), never followed', async () => {
    const redirected = createSentryClient({ baseUrl: `${stallsUrl}/redirect`, token: TOKEN });
    await assert.rejects(redirected.getIssue('acme', ISSUE), rejectsWith('ERR_SENTRY_INVALID', (error) => assert.match(error.message, /redirected \(302\) to https:\/\/elsewhere\.example/)));
  });

  test('posts a comment; a retried post of the same text answers the comment already there', async () => {
    const first = await client.postComment('acme', ISSUE, '**forgebot** analysed this error.');
    assert.equal(sentry.requests.at(-1), `POST ${ISSUE_PATH}/comments/`);
    assert.deepEqual([first.type, first.data?.text], ['note', '**forgebot** analysed this error.']);
    const again = await client.postComment('acme', ISSUE, '**forgebot** analysed this error.');
    assert.equal(again.id, first.id);
    assert.deepEqual(sentry.comments(ISSUE), ['**forgebot** analysed this error.']);
    await assert.rejects(client.postComment('acme', ISSUE, '   '), rejectsWith('ERR_SENTRY_INVALID', (error) => assert.match(error.message, /may not be blank/)));
  });

  test('lists every comment across pages by the Link header, newest first', async () => {
    sentry.addIssue({ org: 'acme', id: '500', shortId: 'SHOP-WEB-3', project: { id: '42', slug: 'shop-web' }, title: 'talkative' });
    for (let n = 0; n < 230; n++) sentry.addComment('500', `comment ${n}`, { minutesAgo: 230 - n });
    const from = sentry.requests.length;
    const comments = await client.listComments('acme', '500');
    assert.equal(comments.length, 230);
    assert.equal(comments[0]?.data?.text, 'comment 229');
    assert.equal(comments.at(-1)?.data?.text, 'comment 0');
    assert.deepEqual(sentry.requests.slice(from), [
      'GET /api/0/organizations/acme/issues/500/comments/?per_page=100',
      'GET /api/0/organizations/acme/issues/500/comments/?per_page=100&cursor=0%3A100%3A0',
      'GET /api/0/organizations/acme/issues/500/comments/?per_page=100&cursor=0%3A200%3A0',
    ]);
    const capped = createSentryClient({ baseUrl: sentry.url, token: TOKEN, maxPages: 2 });
    assert.equal((await capped.listComments('acme', '500')).length, 200, 'the walk is bounded');
  });

  test('parses Sentry’s Link header: results="false" ends the walk', () => {
    const header = '<https://sentry.io/api/0/x/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/x/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0"';
    assert.deepEqual(parseSentryLinks(header), [
      { url: 'https://sentry.io/api/0/x/?&cursor=0:0:1', rel: 'previous', results: false, cursor: '0:0:1' },
      { url: 'https://sentry.io/api/0/x/?&cursor=0:100:0', rel: 'next', results: true, cursor: '0:100:0' },
    ]);
    assert.deepEqual(parseSentryLinks(null), []);
  });
});
