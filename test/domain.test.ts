import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewWorkflowId } from '../src/domain/change-ref.js';
import { parseHunks, positionInDiff } from '../src/domain/diff-position.js';
import type { Finding, ReviewResult } from '../src/domain/finding.js';
import { reviewVerdict } from '../src/domain/review-verdict.js';
import { findingFingerprint, fingerprintIn, renderInlineComment, renderSummary, SUMMARY_MARKER } from '../src/domain/render.js';

const diff = ['@@ -1,4 +1,4 @@', ' a', '-b', '+B', ' c', '@@ -10,2 +10,3 @@ function x() {', ' j', '+k', ' l', '\\ No newline at end of file', ''].join('\n');

describe('diff positions', () => {
  test('numbers each side of every hunk', () => {
    const lines = parseHunks(diff);
    assert.deepEqual(lines.map((line) => [line.kind, line.oldLine ?? null, line.newLine ?? null]), [
      ['context', 1, 1], ['removed', 2, null], ['added', null, 2], ['context', 3, 3],
      ['context', 10, 10], ['added', null, 11], ['context', 11, 12],
    ]);
  });
  test('added → new line; removed → old line; context → both; elsewhere → none', () => {
    assert.deepEqual(positionInDiff(diff, 2, 'new'), { newLine: 2 });
    assert.deepEqual(positionInDiff(diff, 2, 'old'), { oldLine: 2 });
    assert.deepEqual(positionInDiff(diff, 12, 'new'), { oldLine: 11, newLine: 12 });
    assert.equal(positionInDiff(diff, 5, 'new'), undefined);
  });
});

describe('rendering', () => {
  const finding: Finding = { path: 'a.ts', line: 2, side: 'new', severity: 'blocker', category: 'security', confidence: 0.92, title: 'SQL injection', body: 'Use parameters.', suggestion: 'db.query(sql, [id])' };
  const result: ReviewResult = { headSha: 'abcdef0123456789', summary: 'Risky change.', findings: [finding], model: 'm', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 3, cacheWriteTokens: 0, turns: 2 }, truncated: false };

  test('an inline comment carries severity, category, confidence, a suggestion block and its fingerprint', () => {
    const body = renderInlineComment(finding);
    assert.match(body, /\*\*blocker\*\* · security · confidence 0\.92/);
    assert.match(body, /```suggestion:-0\+0\ndb\.query\(sql, \[id\]\)\n```/);
    assert.equal(fingerprintIn(body), findingFingerprint(finding));
  });
  test('the fingerprint ignores the line (findings move) but not the file or title', () => {
    assert.equal(findingFingerprint(finding), findingFingerprint({ ...finding }));
    assert.notEqual(findingFingerprint(finding), findingFingerprint({ ...finding, path: 'b.ts' }));
    assert.notEqual(findingFingerprint(finding), findingFingerprint({ ...finding, title: 'Other' }));
  });
  test('the summary starts with the marker and lists counts, unanchored findings and usage', () => {
    const body = renderSummary({ ...result, truncated: true }, { headSha: result.headSha, unanchored: [finding] });
    assert.ok(body.startsWith(SUMMARY_MARKER));
    assert.match(body, /`abcdef012345`/);
    assert.match(body, /🛑 1 blocker/);
    assert.match(body, /Findings outside the diff[\s\S]*`a\.ts:2`/);
    assert.match(body, /may be incomplete/);
    assert.match(body, /2 turns · 10 in \/ 5 out tokens \(3 cached\)/);
  });
});

test('workflow ids are deterministic per change', () => {
  assert.equal(reviewWorkflowId({ forge: 'gitlab', projectId: 12, projectPath: 'g/p', number: 7 }), 'review:gitlab:12:7');
  assert.equal(reviewWorkflowId({ forge: 'github', projectId: 'o/r', projectPath: 'o/r', number: 7 }), 'review:github:o/r:7');
});

test('a review is clean (and may approve, where configured) only when it ran to the end and held nothing back', () => {
  const minor: Finding = { path: 'a.ts', line: 1, side: 'new', severity: 'minor', category: 'bug', confidence: 0.9, title: 't', body: 'b' };
  const none = { lowConfidence: 0, nits: 0, overCap: 0 };
  assert.equal(reviewVerdict({ findings: [], truncated: false, hidden: none }), 'clean');
  assert.equal(reviewVerdict({ findings: [{ ...minor, severity: 'blocker' }], truncated: false }), 'blocking');
  assert.equal(reviewVerdict({ findings: [minor], truncated: false }), 'findings');
  assert.equal(reviewVerdict({ findings: [], truncated: true }), 'findings', 'a review cut short by a cap');
  assert.equal(reviewVerdict({ findings: [], truncated: false, hidden: { ...none, lowConfidence: 1 } }), 'findings', 'findings held back by the thresholds');
  assert.equal(reviewVerdict({ findings: [], truncated: false, carriedForward: [{ fingerprint: 'abcdef12', path: 'a.ts', line: 1, severity: 'minor', category: 'bug', title: 't' }] }), 'findings');
});
