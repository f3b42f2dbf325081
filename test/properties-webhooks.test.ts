// Properties of the GitLab and GitHub webhook parsers and decisions for any body (fast-check): arbitrary JSON, payloads
// shaped like the real ones, and mutations of the real vendor payloads (../shared/fixtures, or their stand-ins).
// Then the express routes, with a recording starter on loopback: whatever is sent, never a 500.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import type { WebhookServer } from '../src/webhooks/server.js';
import { GITHUB_TEST_SECRET } from './helpers/github-payloads.js';
import { mutate, unknownKey, valueAt, withValueAt, type JsonPath } from './helpers/json-mutations.js';
import { RecordingStarter } from './helpers/recording-starter.js';
import { connectRedis } from './helpers/redis.js';
import { startTestWebhookServer, TEST_SECRET } from './helpers/webhook-server.js';
import { edgy, GITHUB_KEYS, githubBody, githubPayloads, GITLAB_KEYS, gitlabBody, gitlabPayloads } from './helpers/webhook-arbitraries.js';
import { assertGitHubProvenance, assertGitLabProvenance, githubDecision, gitlabDecision, gitlabNoteDecision, issuePaths, type Decision } from './helpers/webhook-decisions.js';

const RUNS = { numRuns: 500 };

function assertOnlyDocumentedError(decision: Decision): void {
  if ('error' in decision) assert.ok(decision.error.reason.length > 0, 'a parse error says what is wrong');
}

describe('webhook parser properties', () => {
  test('GitLab: any body either parses or fails with InvalidPayloadError; a decided action comes from a valid payload', () => {
    fc.assert(
      fc.property(gitlabBody, fc.boolean(), ({ event, body }, reviewDrafts) => {
        const decision = gitlabDecision(body, event, reviewDrafts);
        assertOnlyDocumentedError(decision);
        if ('action' in decision) assertGitLabProvenance(body, decision.action, reviewDrafts);
      }),
      RUNS,
    );
  });

  test('GitHub: any body either parses or fails with InvalidPayloadError; a decided action comes from a valid payload', () => {
    fc.assert(
      fc.property(githubBody, fc.boolean(), ({ event, body }, reviewDrafts) => {
        const decision = githubDecision(body, event, reviewDrafts);
        assertOnlyDocumentedError(decision);
        if ('action' in decision) assertGitHubProvenance(body, event, decision.action, reviewDrafts);
      }),
      RUNS,
    );
  });
});

type FieldKind = 'kind' | 'action' | 'string' | 'nonEmptyString' | 'positiveInt' | 'object' | 'gitlabSha' | 'githubSha' | 'fullName' | 'boolean';
const accepts: Record<FieldKind, (value: unknown) => boolean> = {
  kind: (value) => typeof value === 'string' && value !== '',
  action: (value) => typeof value === 'string',
  string: (value) => typeof value === 'string',
  nonEmptyString: (value) => typeof value === 'string' && value !== '',
  positiveInt: (value) => Number.isSafeInteger(value) && Number(value) > 0,
  object: (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
  gitlabSha: (value) => typeof value === 'string' && /^[0-9a-f]{7,64}$/.test(value),
  githubSha: (value) => typeof value === 'string' && /^[0-9a-f]{40,64}$/.test(value),
  fullName: (value) => typeof value === 'string' && /^[\w.-]+\/[\w.-]+$/.test(value),
  boolean: (value) => typeof value === 'boolean',
};
type Field = [path: string, kind: FieldKind, required: boolean];
/** The fields MergeRequestEvent (open, reopen, update) and MergeRequestClosedEvent (close, merge) check. */
const GITLAB_REVIEW_FIELDS: Field[] = [
  ['object_kind', 'kind', true], ['project', 'object', true], ['project.id', 'positiveInt', true], ['project.path_with_namespace', 'nonEmptyString', true],
  ['object_attributes', 'object', true], ['object_attributes.iid', 'positiveInt', true], ['object_attributes.title', 'string', true], ['object_attributes.action', 'action', true],
  ['object_attributes.source_branch', 'string', true], ['object_attributes.target_branch', 'string', true], ['object_attributes.url', 'string', true],
  ['object_attributes.last_commit', 'object', true], ['object_attributes.last_commit.id', 'gitlabSha', true], ['object_attributes.draft', 'boolean', false],
  ['object_attributes.work_in_progress', 'boolean', false], ['object_attributes.oldrev', 'gitlabSha', false],
];
const GITLAB_CLOSE_FIELDS: Field[] = [
  ['object_kind', 'kind', true], ['project', 'object', true], ['project.path_with_namespace', 'nonEmptyString', true], ['object_attributes', 'object', true],
  ['object_attributes.action', 'action', true], ['project.id', 'positiveInt', false], ['object_attributes.iid', 'positiveInt', false],
  ['object_attributes.target_project_id', 'positiveInt', false], ['object_attributes.url', 'string', false], ['object_attributes.last_commit.id', 'gitlabSha', false],
];
const GITHUB_FIELDS: Field[] = [
  ['action', 'nonEmptyString', true], ['number', 'positiveInt', true], ['pull_request', 'object', true], ['pull_request.title', 'string', true],
  ['pull_request.html_url', 'string', true], ['pull_request.head', 'object', true], ['pull_request.head.sha', 'githubSha', true], ['pull_request.head.ref', 'string', true],
  ['pull_request.base', 'object', true], ['pull_request.base.ref', 'string', true], ['repository', 'object', true], ['repository.full_name', 'fullName', true],
  ['pull_request.draft', 'boolean', false],
];

const toPath = (dotted: string): JsonPath => dotted.split('.');
const present = (json: unknown, dotted: string) => valueAt(json, toPath(dotted)) !== undefined;
const mergeRequestAction = (json: unknown) => valueAt(json, ['object_attributes', 'action']);

/** Each valid payload with each field its schema checks (and that the payload has). */
const gitlabFieldCases = gitlabPayloads.flatMap((payload) => {
  if (valueAt(payload.json, ['object_kind']) !== 'merge_request') return [];
  const action = mergeRequestAction(payload.json);
  const fields = ['open', 'reopen', 'update'].includes(String(action)) ? GITLAB_REVIEW_FIELDS : ['close', 'merge'].includes(String(action)) ? GITLAB_CLOSE_FIELDS : [];
  return fields.filter(([path]) => present(payload.json, path)).map((field) => ({ payload, field }));
});
const githubFieldCases = githubPayloads.filter((payload) => payload.event === 'pull_request').flatMap((payload) => GITHUB_FIELDS.filter(([path]) => present(payload.json, path)).map((field) => ({ payload, field })));

/** A value of the wrong type (or out of range) for a field, or undefined to drop it (when it is required). */
const brokenValue = ([, kind, required]: Field) => {
  const wrong = fc.oneof(fc.jsonValue({ maxDepth: 1 }), edgy).filter((value) => !accepts[kind](value) && !(kind === 'kind' && typeof value === 'string'));
  return required ? fc.option(wrong, { nil: undefined }) : wrong;
};

function assertNamesField(decision: Decision, dotted: string, what: string): void {
  assert.ok('error' in decision, `${what}: a parse error, not ${JSON.stringify(decision)}`);
  assert.ok(issuePaths(decision.error).includes(dotted), `${what}: the error names ${dotted}: ${decision.error.reason}`);
}

describe('webhook schema properties', () => {
  test('GitLab: dropping or retyping any field the schema checks is a parse error naming that field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...gitlabFieldCases).chain((testCase) => fc.tuple(fc.constant(testCase), brokenValue(testCase.field))), ([{ payload, field }, value]) => {
        const [dotted] = field;
        const decision = gitlabDecision(withValueAt(payload.json, toPath(dotted), value), payload.event);
        const what = `${payload.name}: ${dotted} ${value === undefined ? 'dropped' : `= ${JSON.stringify(value)}`}`;
        // A merge request event without an action is one that needs no review (documented), never an error.
        if (dotted === 'object_attributes.action' && value === undefined) assert.deepEqual('action' in decision && decision.action.kind, 'ignore', what);
        else assertNamesField(decision, dotted, what);
      }),
      RUNS,
    );
  });

  test('GitHub: dropping or retyping any field the schema checks is a parse error naming that field', () => {
    fc.assert(
      fc.property(fc.constantFrom(...githubFieldCases).chain((testCase) => fc.tuple(fc.constant(testCase), brokenValue(testCase.field))), ([{ payload, field }, value]) => {
        const [dotted] = field;
        const decision = githubDecision(withValueAt(payload.json, toPath(dotted), value), payload.event);
        assertNamesField(decision, dotted, `${payload.name}: ${dotted} ${value === undefined ? 'dropped' : `= ${JSON.stringify(value)}`}`);
      }),
      RUNS,
    );
  });

  const extraFields = (known: ReadonlySet<string>) => fc.array(fc.record({ op: fc.constant('add' as const), pick: fc.nat(), key: unknownKey(known), value: fc.jsonValue({ maxDepth: 2 }) }), { minLength: 1, maxLength: 6 });

  test('GitLab: extra unknown fields anywhere never change the decision', () => {
    fc.assert(
      fc.property(fc.constantFrom(...gitlabPayloads), extraFields(GITLAB_KEYS), fc.boolean(), (payload, fields, reviewDrafts) => {
        assert.deepEqual(gitlabDecision(mutate(payload.json, fields), payload.event, reviewDrafts), gitlabDecision(payload.json, payload.event, reviewDrafts), payload.name);
      }),
      RUNS,
    );
  });

  test('GitHub: extra unknown fields anywhere never change the decision', () => {
    fc.assert(
      fc.property(fc.constantFrom(...githubPayloads), extraFields(GITHUB_KEYS), fc.boolean(), (payload, fields, reviewDrafts) => {
        assert.deepEqual(githubDecision(mutate(payload.json, fields), payload.event, reviewDrafts), githubDecision(payload.json, payload.event, reviewDrafts), payload.name);
      }),
      RUNS,
    );
  });

  // Found by the first GitLab property: the iid read from a close's URL was any integer, so `/merge_requests/9007199254740993`
  // (past 2^53) became the neighbouring number 9007199254740992, a ref no schema accepts (and maybe another merge request).
  test('regression: a close whose URL names an iid past 2^53 is ignored, not closed under a rounded number', () => {
    const close = (url: string) => gitlabDecision({ object_kind: 'merge_request', project: { id: 3, path_with_namespace: 'g/p' }, object_attributes: { action: 'close', url } }, 'Merge Request Hook');
    assert.deepEqual(close('http://example.com/g/p/-/merge_requests/9007199254740993'), { action: { kind: 'ignore', reason: 'payload names no project id or merge request iid' } });
    assert.deepEqual(close('http://example.com/g/p/-/merge_requests/99999999999999999999/diffs'), { action: { kind: 'ignore', reason: 'payload names no project id or merge request iid' } });
    assert.deepEqual(close('http://example.com/g/p/-/merge_requests/9007199254740991'), {
      action: { kind: 'close', ref: { forge: 'gitlab', projectId: 3, projectPath: 'g/p', number: 9007199254740991 }, reason: 'closed' },
    });
  });
});

/** What a webhook answers, by contract (202 accepted/ignored, 200 duplicate or pong, 400, 401, 413, 415): never 5xx. */
const ANSWERS = new Set([200, 202, 400, 401, 413, 415]);
const printableHeader = (value: string | undefined) => value?.replace(/[^\x20-\x7e]/g, '').trim();
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json', undefined);
const auth = fc.constantFrom('good', 'good', 'good', 'bad', 'none');
/** Raw bodies: JSON of the bodies above, any text, any bytes (often not UTF-8), deeply nested JSON, and over the 64 kB limit. */
type RawDelivery = { event: string | undefined; bytes: Buffer };
const rawBody = (json: fc.Arbitrary<{ event: string | undefined; body: unknown }>): fc.Arbitrary<RawDelivery> => {
  const bytesOnly = (bytes: fc.Arbitrary<Buffer>) => bytes.map((raw): RawDelivery => ({ event: undefined, bytes: raw }));
  return fc.oneof(
    { weight: 6, arbitrary: json.map(({ event, body }): RawDelivery => ({ event, bytes: Buffer.from(JSON.stringify(body) ?? 'null') })) },
    { weight: 1, arbitrary: bytesOnly(fc.string({ maxLength: 80 }).map((text) => Buffer.from(text))) },
    { weight: 1, arbitrary: bytesOnly(fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes))) },
    { weight: 1, arbitrary: bytesOnly(fc.constantFrom(Buffer.from(`${'['.repeat(30_000)}${']'.repeat(30_000)}`), Buffer.from(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`), Buffer.from(JSON.stringify({ object_kind: 'merge_request', pad: 'x'.repeat(70_000) })))) },
  );
};

/** A real payload as it is (the first example of a route's run: at least one delivery is accepted). */
function realDelivery(payloads: readonly { name: string; event: string | undefined; json: unknown }[], name: string): RawDelivery {
  const payload = payloads.find((candidate) => candidate.name === name);
  assert.ok(payload, `the corpus has ${name}`);
  return { event: payload.event, bytes: Buffer.from(JSON.stringify(payload.json)) };
}

describe('webhook routes: any delivery gets a contract answer, never a 500', () => {
  let redis: Redis;
  let starter: RecordingStarter;
  let server: WebhookServer;
  before(async () => {
    redis = await connectRedis();
    starter = new RecordingStarter();
    server = await startTestWebhookServer(redis, starter, { GITHUB_WEBHOOK_SECRET: GITHUB_TEST_SECRET });
  });
  after(async () => {
    await server?.close();
    redis?.disconnect();
  });

  async function post(path: string, headers: Record<string, string | undefined>, bytes: Buffer): Promise<{ status: number; json: Record<string, unknown> }> {
    const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: sent, body: new Uint8Array(bytes), signal: AbortSignal.timeout(10_000) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  test('GitLab: a few hundred random deliveries', async () => {
    const seen = new Set<string>();
    const delivery = fc.record({ raw: rawBody(gitlabBody), type: contentType, auth, uuid: fc.option(fc.uuid(), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(delivery, async ({ raw, type, auth: token, uuid }) => {
        const event = printableHeader(raw.event);
        const headers = { 'Content-Type': type, 'X-Gitlab-Event': event, 'X-Gitlab-Event-UUID': uuid, 'X-Gitlab-Token': token === 'good' ? TEST_SECRET : token === 'bad' ? 'wrong-secret' : undefined };
        const { status, json } = await post('/webhook/gitlab', headers, raw.bytes);
        seen.add(`${status} ${String(json.status ?? '')}`);
        assert.ok(ANSWERS.has(status), `${status} ${JSON.stringify(json)}`);
        if (token !== 'good') assert.equal(status, 401, 'no token, no work');
        if (json.status === 'accepted' || json.status === 'queued') {
          const body: unknown = JSON.parse(raw.bytes.toString('utf8'));
          // A note is accepted as a command or a reply in a thread; anything else only as a review.
          if (event === 'Note Hook') assert.notEqual(gitlabNoteDecision(body).kind, 'ignore', 'accepted only a note the parser hands over');
          else {
            const decision = gitlabDecision(body, event);
            assert.equal('action' in decision && decision.action.kind, 'review', 'accepted only what the parser decides to review');
          }
        }
      }),
      { numRuns: 200, examples: [[{ raw: realDelivery(gitlabPayloads, 'merge_request--open'), type: 'application/json', auth: 'good', uuid: undefined }]] },
    );
    for (const answer of ['202 accepted', '202 ignored', '400 ', '401 ', '415 ']) assert.ok(seen.has(answer), `the deliveries reached ${answer} (saw ${[...seen].join(', ')})`);
    assert.ok(starter.started.every((request) => request.ref.forge === 'gitlab' || request.ref.forge === 'github'), 'every recorded revision is a valid ReviewRequest');
  });

  test('GitHub: a few hundred random deliveries, signed over their raw bytes', async () => {
    const seen = new Set<string>();
    const delivery = fc.record({ raw: rawBody(githubBody), type: contentType, auth, id: fc.option(fc.uuid(), { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(delivery, async ({ raw, type, auth: signature, id }) => {
        const event = printableHeader(raw.event);
        const signed = `sha256=${createHmac('sha256', signature === 'good' ? GITHUB_TEST_SECRET : 'wrong-secret').update(raw.bytes).digest('hex')}`;
        const headers = { 'Content-Type': type, 'X-GitHub-Event': event, 'X-GitHub-Delivery': id, 'X-Hub-Signature-256': signature === 'none' ? undefined : signed };
        const { status, json } = await post('/webhook/github', headers, raw.bytes);
        seen.add(`${status} ${String(json.status ?? '')}`);
        assert.ok(ANSWERS.has(status), `${status} ${JSON.stringify(json)}`);
        // The body is read (413 past the limit) before its signature can be checked.
        if (signature !== 'good') assert.ok(status === 401 || status === 413, `unsigned: ${status}`);
        if (json.status === 'accepted' || json.status === 'queued') {
          const decision = githubDecision(JSON.parse(raw.bytes.toString('utf8')), event);
          assert.equal('action' in decision && decision.action.kind, 'review', 'accepted only what the parser decides to review');
        }
      }),
      { numRuns: 200, examples: [[{ raw: realDelivery(githubPayloads, 'pull_request--opened'), type: 'application/json', auth: 'good', id: undefined }]] },
    );
    for (const answer of ['202 accepted', '202 ignored', '400 ', '401 ', '415 ']) assert.ok(seen.has(answer), `the deliveries reached ${answer} (saw ${[...seen].join(', ')})`);
    assert.ok(starter.started.length > 0, 'some deliveries were accepted (the bodies reach the workflow layer)');
  });

  test('a required field dropped from a real payload answers 400 naming the field', async () => {
    for (const { payload, field } of gitlabFieldCases.filter(({ field: [path, , required] }) => required && path !== 'object_attributes.action')) {
      const body = Buffer.from(JSON.stringify(withValueAt(payload.json, toPath(field[0]), undefined)));
      const { status, json } = await post('/webhook/gitlab', { 'Content-Type': 'application/json', 'X-Gitlab-Event': payload.event, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body);
      assert.equal(status, 400, `${payload.name} without ${field[0]}`);
      assert.match(String(json.error), new RegExp(`(^|; |: )${field[0].replace(/\./g, '\\.')}: `), `${payload.name} without ${field[0]}: ${String(json.error)}`);
    }
    for (const { payload, field } of githubFieldCases.filter(({ field: [, , required] }) => required)) {
      const body = Buffer.from(JSON.stringify(withValueAt(payload.json, toPath(field[0]), undefined)));
      const signature = `sha256=${createHmac('sha256', GITHUB_TEST_SECRET).update(body).digest('hex')}`;
      const { status, json } = await post('/webhook/github', { 'Content-Type': 'application/json', 'X-GitHub-Event': payload.event, 'X-GitHub-Delivery': randomUUID(), 'X-Hub-Signature-256': signature }, body);
      assert.equal(status, 400, `${payload.name} without ${field[0]}`);
      assert.match(String(json.error), new RegExp(`(^|; |: )${field[0].replace(/\./g, '\\.')}: `), `${payload.name} without ${field[0]}: ${String(json.error)}`);
    }
  });
});
