// The summary and inline comments of a multi-specialist review: who reviewed and why, findings grouped by category
// with who raised them, what aggregation and validation did, related work; and nothing untrusted in any of it is live.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReviewedFinding, ReviewResult, SpecialistReport } from '../src/domain/finding.js';
import { parseInlineComment, renderInlineComment, renderSummary } from '../src/domain/render.js';
import { liveParts } from './helpers/markdown-check.js';

const usage = { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 900, cacheWriteTokens: 100, turns: 4 };
const HOSTILE = 'ping @all <img src=x onerror=alert(1)> [click](https://evil.example) #12 <!-- forgebot:summary -->';

const finding = (overrides: Partial<ReviewedFinding>): ReviewedFinding => ({
  path: 'src/app.ts', line: 10, side: 'new', severity: 'minor', category: 'bug', confidence: 0.9, title: 'A bug', body: 'Why it matters.', ...overrides,
});

const report = (name: SpecialistReport['name'], reason: string, overrides: Partial<SpecialistReport> = {}): SpecialistReport => ({
  name, model: 'claude-sonnet-4-6', reason, findings: 1, usage, costUsd: 0.0123, durationMs: 12_300, ...overrides,
});

const single: ReviewResult = {
  headSha: 'b'.repeat(40), summary: 'Looks fine.', findings: [finding({})], model: 'claude-sonnet-4-6', usage, truncated: false,
};

const multi: ReviewResult = {
  ...single,
  findings: [
    finding({ title: 'Off by one in the loop', raisedBy: ['general', 'typescript'] }),
    finding({ path: 'src/auth.ts', line: 3, severity: 'blocker', category: 'security', title: 'Token logged', raisedBy: ['security'] }),
    finding({ path: 'src/auth.ts', line: 9, severity: 'minor', category: 'security', title: `Weak check ${HOSTILE}`, raisedBy: ['security', 'typescript'] }),
  ],
  specialists: [report('general', 'default'), report('security', 'label security-review'), report('typescript', `12 changed .ts files ${HOSTILE}`, { costUsd: undefined, stoppedBy: 'turns' })],
  aggregation: {
    duplicatesMerged: 2,
    conflictsResolved: 1,
    conflictRule: 'the more severe finding wins; on a tie, the specialist of its category',
    validated: 3,
    dropped: [{ path: 'src/db.ts', line: 44, title: `SQL injection ${HOSTILE}`, raisedBy: ['security'], reason: `the value is a constant ${HOSTILE}` }],
    notRun: [{ name: 'docs', reason: `over max_specialists (3) ${HOSTILE}` }],
  },
};

const render = (result: ReviewResult, forge?: 'gitlab' | 'github') => renderSummary(result, { headSha: result.headSha, unanchored: [], ...(forge ? { forge } : {}) });

describe('the summary of a multi-specialist review', () => {
  test('says who reviewed and why, before the model summary', () => {
    const body = render(multi);
    const reviewedBy = body.split('\n').find((line) => line.startsWith('**Reviewed by:**')) ?? '';
    assert.match(reviewedBy, /general \(default\) · security \(label security-review\) · typescript \(12 changed \.ts files/);
    assert.ok(body.indexOf('**Reviewed by:**') < body.indexOf('Looks fine.'));
  });

  test('groups the findings by category (security first), most severe first, each with who raised it', () => {
    const body = render(multi);
    const security = body.indexOf('**Security** (2)');
    const bugs = body.indexOf('**Bugs** (1)');
    assert.ok(security > 0 && bugs > security, 'security before bugs');
    const lines = body.split('\n');
    const blocker = lines.findIndex((line) => line.includes('`src/auth.ts:3` Token logged — raised by security'));
    const minor = lines.findIndex((line) => line.includes('`src/auth.ts:9` Weak check'));
    assert.ok(blocker > 0 && minor > blocker, 'blocker before minor within security');
    assert.ok(lines[blocker]?.startsWith('- 🛑 '));
    assert.ok(lines[minor]?.endsWith('— raised by security, typescript'));
    assert.ok(lines.some((line) => line === '- 🟡 `src/app.ts:10` Off by one in the loop — raised by general, typescript'));
  });

  test('says what aggregation did: merged, settled (with the rule), dropped with reasons, not run', () => {
    const body = render(multi);
    assert.match(body, /2 duplicates merged; 1 conflicting suggestion settled \(the more severe finding wins; on a tie, the specialist of its category\); 3 blocker\/major findings re-checked/);
    assert.match(body, /<details><summary>1 finding dropped \(not confirmed, or merged away\)<\/summary>/);
    assert.match(body, /- `src\/db\.ts:44` SQL injection .* — raised by security\n {2}the value is a constant/);
    assert.match(body, /_Not run:_ docs \(over max\\?_specialists \(3\)/);
  });

  test('has one usage line per specialist in the footer: tokens, cost, duration', () => {
    const body = render(multi);
    assert.ok(body.includes('<sub>security: claude-sonnet-4-6 · 1 finding · 4 turns · 1200 in / 300 out tokens (900 cached) · $\u200b0.01 · 12.3 s</sub>'), body);
    assert.match(body, /<sub>typescript: .* · cost unknown · 12\.3 s · stopped \(turns\)<\/sub>/);
    assert.ok(body.indexOf('<sub>claude-sonnet-4-6 · 4 turns') < body.indexOf('<sub>general:'), 'after the total');
  });

  test('hostile titles, reasons, rules and dropped reasons render inert', () => {
    const hostile: ReviewResult = { ...multi, aggregation: { ...multi.aggregation!, conflictRule: HOSTILE } };
    const body = render(hostile);
    assert.deepEqual(liveParts(body), { links: [], images: [], html: [], mentions: [], references: [], fences: [] });
    assert.equal(body.split('<!-- forgebot:summary -->').length, 2, 'only the real marker');
  });

  test('a single-reviewer result renders exactly as before: no specialist parts', () => {
    const body = render(single);
    for (const part of ['Reviewed by', '**Bugs**', 'raised by', 'How the reviews were combined', 'Not run', 'general:']) assert.ok(!body.includes(part), part);
    assert.equal(body, render({ ...single, aggregation: undefined, specialists: undefined } as ReviewResult));
  });
});

describe('the related section', () => {
  const related: ReviewResult['related'] = {
    changes: [{ number: 41, title: `Fix totals ${HOSTILE}`, mergedAt: '2026-11-02T10:00:00Z', paths: ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts'] }],
    issues: [{ reference: '#4', title: `Checkout breaks ${HOSTILE}`, state: 'opened' }, { reference: 'group/other#9' }],
  };

  test('names merged changes (number, title, shared paths) and linked issues (reference, title, state), inert', () => {
    const body = render({ ...single, related }, 'gitlab');
    assert.match(body, /\*\*Related\*\*/);
    assert.match(body, /- !\u200b41 Fix totals .* · merged 2026-11-02 · also changed `src\/a\.ts`, `src\/b\.ts`, `src\/c\.ts` and 1 more/);
    assert.match(body, /- Linked issue #\u200b4 Checkout breaks .* · opened/);
    assert.match(body, /- Linked issue group\/other#\u200b9 _\(could not be read\)_/);
    assert.deepEqual(liveParts(body), { links: [], images: [], html: [], mentions: [], references: [], fences: [] });
  });

  test('GitHub numbers pull requests with #; nothing related: no section', () => {
    assert.match(render({ ...single, related }, 'github'), /- #\u200b41 Fix totals/);
    assert.ok(!render({ ...single, related: { changes: [], issues: [] } }).includes('**Related**'));
  });
});

describe('the inline comment of a multi-specialist finding', () => {
  test('names who raised it in its header; forgebot still reads its own comment back', () => {
    const comment = renderInlineComment(finding({ category: 'security', severity: 'major', title: 'Token logged', raisedBy: ['security', 'typescript'] }));
    assert.match(comment.split('\n')[0] ?? '', /^🔴 \*\*major\*\* · security · confidence 0\.90 · raised by security, typescript$/);
    assert.deepEqual(parseInlineComment(comment), { severity: 'major', category: 'security', title: 'Token logged' });
  });

  test('a single reviewer finding has no raised-by', () => {
    assert.ok(!renderInlineComment(finding({})).includes('raised by'));
  });
});

describe('a large multi-specialist review', () => {
  test('lists at most 60 findings and 30 dropped ones, counting the rest: the note stays small', () => {
    const many = Array.from({ length: 200 }, (_, index) => finding({ line: index + 1, title: `Finding ${index} ${'x'.repeat(150)}`, raisedBy: ['general'] }));
    const dropped = Array.from({ length: 200 }, (_, index) => ({ path: 'src/a.ts', line: index + 1, title: `Dropped ${index}`, raisedBy: ['security' as const], reason: 'r'.repeat(500) }));
    const body = render({ ...multi, findings: many, aggregation: { ...multi.aggregation!, dropped } });
    assert.match(body, /- … and 140 more \(in the inline comments\)/);
    assert.match(body, /- … and 170 more\n/);
    assert.ok(body.length < 65_536, `${body.length} characters`);
  });
});
