// What forgebot keeps of a Sentry event: frames mapped to repository paths, everything capped, the request without
// headers/cookies/env, credentials redacted; and the agent's plain-text context rendered from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileClaimStore } from '../src/activities/claim-check/file-claim-store.js';
import { EVIDENCE_JSON_BUDGET } from '../src/activities/sentry/evidence-budget.js';
import { evidenceFromEvent } from '../src/activities/sentry/evidence-from-event.js';
import { renderEvidence } from '../src/activities/sentry/render-evidence.js';
import { SentryApiEvent, type SentryApiFrame } from '../src/activities/sentry/sentry-api-schemas.js';
import { createSentryActivities } from '../src/activities/sentry/sentry-activities.js';
import { createSentryClient } from '../src/activities/sentry/sentry-client.js';
import { scrubText, scrubUrl } from '../src/activities/sentry/scrub.js';
import { EVIDENCE_LIMITS, SentryEvidence, inAppFrames, primaryException } from '../src/domain/sentry/evidence.js';
import { SentryIssueSummary } from '../src/domain/sentry/issue.js';
import { SentryProjectMapping } from '../src/domain/sentry/project-mapping.js';
import { exampleTypeErrorEvent } from '../src/fakes/sentry/examples.js';
import { FakeSentry } from '../src/fakes/sentry/fake-sentry.js';

const mapping = SentryProjectMapping.parse({
  org: 'acme', project: 'shop-web', forge: 'gitlab', projectId: 7, projectPath: 'shop/web', pathRewrites: [{ from: 'webpack:///./', to: '' }],
});
const example = () => SentryApiEvent.parse(exampleTypeErrorEvent({ groupId: '4512345678', projectId: '42' }));
const issue = SentryIssueSummary.parse({
  org: 'acme', issueId: '4512345678', shortId: 'SHOP-WEB-1', projectSlug: 'shop-web', title: "TypeError: Cannot read properties of undefined (reading 'amount')",
  status: 'unresolved', count: 57, userCount: 12, level: 'error', platform: 'javascript',
});

/** An event made of the given exception values, breadcrumbs, request and tags (the API's shape). */
function eventWith(parts: { exceptions?: unknown[]; breadcrumbs?: unknown[]; request?: unknown; tags?: Array<{ key: string; value: string }>; message?: string }) {
  const entries = [
    ...(parts.exceptions ? [{ type: 'exception', data: { values: parts.exceptions } }] : []),
    ...(parts.breadcrumbs ? [{ type: 'breadcrumbs', data: { values: parts.breadcrumbs } }] : []),
    ...(parts.request ? [{ type: 'request', data: parts.request }] : []),
    ...(parts.message ? [{ type: 'message', data: { formatted: parts.message } }] : []),
  ];
  return SentryApiEvent.parse({ id: 'e'.repeat(32), eventID: 'e'.repeat(32), platform: 'python', tags: parts.tags ?? [], entries });
}

describe('evidence from a Sentry event', () => {
  test("Sentry's documented event shape: in-app frames mapped, context lines kept, the error's line in them", () => {
    const evidence = evidenceFromEvent(example(), mapping);
    assert.equal(evidence.truncated, false);
    const primary = primaryException(evidence);
    assert.deepEqual([primary?.type, primary?.value, primary?.handled], ['TypeError', "Cannot read properties of undefined (reading 'amount')", false]);
    const [innermost, caller] = inAppFrames(evidence);
    assert.deepEqual([innermost?.file, innermost?.repositoryPath, innermost?.function, innermost?.lineNo, innermost?.colNo], ['webpack:///./src/cart/total.ts', 'src/cart/total.ts', 'computeTotal', 14, 29]);
    assert.deepEqual(innermost?.context.find(([line]) => line === 14), [14, '    total += item.price.amount * quantity;']);
    assert.equal(caller?.repositoryPath, 'src/checkout/button.ts');
    assert.equal(primary?.frames[0]?.inApp, false, 'the library frame stays, marked');
    assert.deepEqual([evidence.release, evidence.environment, evidence.platform], ['shop-web@2.14.1', 'production', 'javascript']);
    assert.deepEqual(evidence.tags.find(([key]) => key === 'browser'), ['browser', 'Chrome 122.0.0']);
    assert.deepEqual(evidence.request, { method: 'GET', url: 'https://shop.example.com/checkout', query: 'step=review' });
    assert.equal(evidence.breadcrumbs[1]?.message, 'GET /api/cart?session_token=[redacted] [200]');
    assert.equal(evidence.breadcrumbs[2]?.message, 'button#checkout.btn.btn-primary');
  });

  test('the request keeps no header, cookie or environment', () => {
    const kept = JSON.stringify(evidenceFromEvent(example(), mapping));
    for (const leaked of ['sk_live_example_header_token', 'Authorization', 'sessionid', '7b4f2c9a0d1e', 'csrftoken', 'REMOTE_ADDR', '203.0.113.7', 'Mozilla']) {
      assert.ok(!kept.includes(leaked), `${leaked} must not be kept`);
    }
  });

  test('everything is capped by EVIDENCE_LIMITS, and the cut is noted', () => {
    const long = 'x'.repeat(2_000);
    const frames: SentryApiFrame[] = Array.from({ length: 120 }, (_, n) => ({
      absPath: n % 10 === 3 ? `webpack:///./src/mod${n}.ts` : `webpack:///./node_modules/lib/f${n}.js`, function: `f${n}`, lineNo: 40, inApp: n % 10 === 3,
      context: Array.from({ length: 60 }, (_, line): [number, string] => [line + 10, `${line + 10}:${long}`]),
      vars: Object.fromEntries(Array.from({ length: 45 }, (_, v) => [`v${v}`, { deep: long }])),
    }));
    const exceptions = Array.from({ length: 8 }, (_, n) => ({ type: `E${n}`, value: long, stacktrace: { frames } }));
    const breadcrumbs = Array.from({ length: 100 }, (_, n) => ({ message: `crumb ${n} ${long}`, category: 'log', timestamp: 1_700_000_000 + n }));
    const tags = Array.from({ length: 70 }, (_, n) => ({ key: `k${n}`, value: long }));
    const evidence = evidenceFromEvent(eventWith({ exceptions, breadcrumbs, tags, request: { method: 'POST', url: `https://x.example/${long}`, data: long } }), mapping);
    assert.equal(evidence.truncated, true);
    SentryEvidence.parse(evidence);
    assert.equal(evidence.exceptions.length, 5);
    assert.deepEqual(evidence.exceptions.map((e) => e.type), ['E3', 'E4', 'E5', 'E6', 'E7'], 'the outermost (reported) exceptions are kept');
    const kept = evidence.exceptions[4]?.frames ?? [];
    assert.equal(kept.length, EVIDENCE_LIMITS.frames);
    assert.equal(kept.at(-1)?.function, 'f119', 'the innermost frame is kept');
    assert.equal(kept.filter((frame) => frame.inApp).length, 12, 'every in-app frame is kept before library frames');
    const frame = kept.find((candidate) => candidate.inApp);
    assert.equal(frame?.context.length, EVIDENCE_LIMITS.contextLines);
    assert.deepEqual(frame?.context.map(([line]) => line), [35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45], 'centred on the line');
    assert.ok(frame?.context.every(([, text]) => text.length <= EVIDENCE_LIMITS.lineChars));
    assert.equal(Object.keys(frame?.vars ?? {}).length, EVIDENCE_LIMITS.vars);
    assert.ok(Object.values(frame?.vars ?? {}).every((value) => value.length <= EVIDENCE_LIMITS.varChars));
    assert.equal(evidence.breadcrumbs.length, EVIDENCE_LIMITS.breadcrumbs);
    assert.match(evidence.breadcrumbs.at(-1)?.message ?? '', /^crumb 99 /, 'the last breadcrumbs (nearest the error) are kept');
    assert.equal(evidence.breadcrumbs.at(-1)?.timestamp, new Date((1_700_000_000 + 99) * 1000).toISOString());
    assert.equal(evidence.tags.length, EVIDENCE_LIMITS.tags);
    assert.ok((evidence.request?.data?.length ?? 0) <= 2_000);
    // Every cap reached at once would be ~1.5 MB of JSON in workflow history: the least useful detail goes first.
    assert.ok(JSON.stringify(evidence).length <= EVIDENCE_JSON_BUDGET, `${JSON.stringify(evidence).length} characters`);
    assert.ok(evidence.exceptions.slice(0, 4).every((chained) => chained.frames.every((f) => f.context.length === 0 && f.vars === undefined)), 'chained exceptions lose their source first');

    const rendered = renderEvidence(issue, evidence);
    assert.ok(rendered.length <= EVIDENCE_LIMITS.renderedChars, `${rendered.length} characters`);
    assert.match(rendered, /\[… cut: the evidence is longer than 40000 characters\]$/);
  });

  test('SDK-shaped frames (snake_case, pre_context / context_line / post_context, vars) are read too', () => {
    const frame = {
      abs_path: '/srv/app/shop/cart.py', filename: 'shop/cart.py', function: 'total', module: 'shop.cart', lineno: 21, in_app: true,
      pre_context: ['def total(items):', '    s = 0', '    for i in items:'], context_line: '        s += i["price"]', post_context: ['    return s'],
      vars: { items: [{ sku: 'a' }], s: 0, password: 'hunter2', api_token: 'abc', note: "'plain'" },
    };
    const evidence = evidenceFromEvent(eventWith({ exceptions: [{ type: 'KeyError', value: "'price'", stacktrace: { frames: [frame] } }] }), mapping);
    const [kept] = inAppFrames(evidence);
    assert.deepEqual(kept?.context, [[18, 'def total(items):'], [19, '    s = 0'], [20, '    for i in items:'], [21, '        s += i["price"]'], [22, '    return s']]);
    assert.equal(kept?.file, '/srv/app/shop/cart.py');
    assert.equal(kept?.repositoryPath, 'shop/cart.py', 'the absolute path maps to nothing; the relative filename does');
    assert.deepEqual(kept?.vars, { items: '[{"sku":"a"}]', s: '0', password: '[redacted]', api_token: '[redacted]', note: "'plain'" });
  });

  test('frame paths map through the project mapping (rewrites, source root), never outside the repository', () => {
    const rooted = SentryProjectMapping.parse({ ...mapping, sourceRoot: 'services/web', pathRewrites: [{ from: 'app:///', to: '' }, { from: '/srv/app/', to: '' }] });
    const frames = [
      { absPath: 'app:///src/a.ts', inApp: true },
      { absPath: '/srv/app/lib/b.py', inApp: true },
      { absPath: '/usr/lib/python3.12/json/decoder.py', inApp: false },
      { filename: '../../etc/passwd', inApp: true },
      { filename: 'https://cdn.example/app.js', inApp: true },
    ];
    const evidence = evidenceFromEvent(eventWith({ exceptions: [{ type: 'ValueError', value: 'v', stacktrace: { frames } }] }), rooted);
    assert.deepEqual(primaryException(evidence)?.frames.map((frame) => frame.repositoryPath), ['services/web/src/a.ts', 'services/web/lib/b.py', undefined, undefined, undefined]);
  });

  test('credentials are redacted wherever they sit: breadcrumbs, request data, URLs, values, variables', () => {
    const known = 'sntrys_known_integration_secret_42';
    const evidence = evidenceFromEvent(eventWith({
      exceptions: [{ type: 'ValueError', value: `bad token glpat-abcdefghij1234567890 and ${known}`, stacktrace: { frames: [{ filename: 'a.py', inApp: true, vars: { header: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' } }] } }],
      breadcrumbs: [
        { message: 'login attempt with password=hunter2 for bob', category: 'auth' },
        { message: 'curl -H "Authorization: Basic Ym9iOmh1bnRlcjI=" https://api.example', category: 'log' },
        { data: { url: 'https://bob:hunter2@db.example/x?api_key=k123&page=2', method: 'POST', status_code: 500 }, category: 'http' },
        { message: 'config {"client_secret": "s3cr3tvalue", "region": "eu"}', category: 'log' },
        { message: 'already scrubbed: password=[Filtered]', category: 'log' },
      ],
      request: { method: 'POST', url: 'https://shop.example/login?next=/home&access_token=tok123', query: [['next', '/home'], ['access_token', 'tok123']], data: { username: 'bob', password: 'hunter2', card_number: '4111111111111111', nested: { session_id: 'abc' } } },
    }), mapping, [known]);
    const kept = JSON.stringify(evidence);
    for (const secret of ['hunter2', 'Ym9iOmh1bnRlcjI', 'glpat-abcdefghij', known, 'eyJhbGciOiJIUzI1NiJ9', 'k123', 'tok123', 's3cr3tvalue', '4111111111111111', '"abc"']) {
      assert.ok(!kept.includes(secret), `${secret} must be redacted`);
    }
    assert.equal(evidence.breadcrumbs[0]?.message, 'login attempt with password=[redacted] for bob');
    assert.equal(evidence.breadcrumbs[2]?.message, 'POST https://[redacted]@db.example/x?api_key=[redacted]&page=2 [500]');
    assert.equal(evidence.breadcrumbs[4]?.message, 'already scrubbed: password=[Filtered]');
    assert.equal(evidence.request?.query, 'next=/home&access_token=[redacted]');
    assert.equal(evidence.request?.url, 'https://shop.example/login?next=/home&access_token=[redacted]');
    assert.match(evidence.request?.data ?? '', /"username":"bob"/);
    assert.ok(kept.includes('eu'), 'ordinary values stay');
  });

  test('source lines keep their code (`token = …`), but not a token-like string', () => {
    const frame = { filename: 'src/auth.ts', lineNo: 2, inApp: true, context: [[1, 'const token = readToken(config);'], [2, "const key = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';"]] };
    const evidence = evidenceFromEvent(eventWith({ exceptions: [{ type: 'TypeError', value: 'x', stacktrace: { frames: [frame] } }] }), mapping);
    assert.deepEqual(inAppFrames(evidence)[0]?.context, [[1, 'const token = readToken(config);'], [2, "const key = '[redacted]';"]]);
  });

  test('text scrubbing: invisible characters shown, controls dropped, ordinary words untouched', () => {
    assert.equal(scrubText('a\u202Eb\u0007c\u200Bd'), 'a⟦U+202E⟧bc⟦U+200B⟧d');
    assert.equal(scrubText('the author: bob; token expired'), 'the author: bob; token expired');
    assert.equal(scrubUrl('https://x.example/a?q=1&password=p#frag'), 'https://x.example/a?q=1&password=[redacted]#frag');
  });
});

describe('the evidence as the agent reads it', () => {
  test('plain text: the exception first, frames innermost first, the raising line marked, no headers', () => {
    const rendered = renderEvidence(issue, evidenceFromEvent(example(), mapping));
    const lines = rendered.split('\n');
    assert.match(lines[0] ?? '', /^Sentry issue SHOP-WEB-1 \(acme\/shop-web\): TypeError/);
    const innermost = lines.findIndex((line) => line.includes('#1 src/cart/total.ts:14:29 in computeTotal'));
    const caller = lines.findIndex((line) => line.includes('#2 src/checkout/button.ts:22:5 in onCheckout'));
    const library = lines.findIndex((line) => line.includes('#3 node_modules/@sentry/browser/esm/helpers.js:87:17'));
    assert.ok(innermost > 0 && innermost < caller && caller < library, rendered);
    assert.ok(lines.includes('      > 14 |     total += item.price.amount * quantity;'), rendered);
    assert.ok(lines.includes('        13 |     const quantity = item.quantity ?? 1;'));
    assert.match(rendered, /\[library\]/);
    assert.match(rendered, /Request: GET https:\/\/shop\.example\.com\/checkout/);
    assert.match(rendered, /Breadcrumbs \(the last 4, oldest first\):/);
    assert.ok(!rendered.includes('Mozilla') && !rendered.includes('sessionid'));
  });
});

describe('fetchSentryEvidence against the fake Sentry', () => {
  const TOKEN = 'sntrys_evidence_test_token_0123456789';
  const sentry = new FakeSentry({ token: TOKEN });
  let dir: string;

  before(async () => {
    await sentry.start();
    dir = await mkdtemp(join(tmpdir(), 'sentry-evidence-'));
    const event = exampleTypeErrorEvent({ groupId: '4512345678', projectId: '42' });
    sentry.addIssue({
      org: 'acme', id: '4512345678', shortId: 'SHOP-WEB-1', project: { id: '42', slug: 'shop-web' }, title: `TypeError with ${TOKEN} in it`,
      count: 57, userCount: 12, metadata: { type: 'TypeError', value: "Cannot read properties of undefined (reading 'amount')" }, events: [event],
    });
  });
  after(async () => {
    await sentry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('the issue and its latest event, the rendered context behind a claim', async () => {
    const claims = createFileClaimStore(dir);
    const activities = createSentryActivities({ client: createSentryClient({ baseUrl: sentry.url, token: TOKEN }), claims, sentryUrl: 'https://sentry.io' });
    const collected = await activities.fetchSentryEvidence({ org: 'acme', issueId: '4512345678', mapping });
    assert.deepEqual([collected.issue.shortId, collected.issue.count, collected.issue.errorType], ['SHOP-WEB-1', 57, 'TypeError']);
    assert.equal(collected.issue.title, 'TypeError with [redacted] in it', 'the token is never kept');
    assert.equal(inAppFrames(collected.evidence)[0]?.repositoryPath, 'src/cart/total.ts');
    const rendered = Buffer.from(await claims.get(collected.renderedClaim)).toString('utf8');
    assert.match(rendered, /> 14 \|/);
    // History keeps only what the gates read: the source lines, variables and breadcrumbs are in the claim alone.
    assert.deepEqual([collected.evidence.breadcrumbs, collected.evidence.tags, collected.evidence.request], [[], [], undefined]);
    assert.ok(collected.evidence.exceptions.every((exception) => exception.frames.every((frame) => frame.context.length === 0 && frame.vars === undefined)));
    assert.ok(rendered.length > JSON.stringify(collected.evidence).length);
    assert.ok(!JSON.stringify(collected).includes(TOKEN) && !rendered.includes(TOKEN));
  });
});
