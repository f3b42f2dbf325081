// The checks a finding passes before it is posted, the repository's thresholds, settings and prices: pure logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../src/domain/finding.js';
import { applyThresholds } from '../src/domain/finding-filter.js';
import { MAX_MOVE, validateFindings } from '../src/domain/finding-validation.js';
import { capGuidelines, MAX_GUIDELINE_CHARS } from '../src/domain/guidelines.js';
import { parseInlineComment, renderInlineComment, renderSummary } from '../src/domain/render.js';
import { DEFAULT_REPO_SETTINGS, parseRepoSettings } from '../src/domain/review-settings.js';
import { costOf } from '../src/domain/usage-cost.js';

// src/app.ts: lines 10–12 added (new side), line 30 far from any hunk.
const diff = ['@@ -8,3 +8,6 @@ function f() {', ' a', ' b', ' c', '+one', '+two', '+three', '@@ -40,2 +43,1 @@', ' keep', '-gone'].join('\n');
const files = [{ oldPath: 'src/app.ts', newPath: 'src/app.ts', diff }];
const head = ['', '', '', '', '', '', '', 'a', 'b', 'c', 'one', 'two', 'three'];
const input = { files, headLines: (path: string) => (path === 'src/app.ts' ? head : undefined) };
const base: Finding = { path: 'src/app.ts', line: 11, side: 'new', severity: 'major', category: 'bug', confidence: 0.9, title: 'Off by one', body: 'The loop stops early.' };

test('a finding on a shown line stays; a misplaced one moves to the nearest shown line; a far one is left for the summary', () => {
  const { findings, checks } = validateFindings(
    [base, { ...base, line: 15, title: 'Misplaced', category: 'performance' }, { ...base, line: 13 + MAX_MOVE + 5, title: 'Far away', category: 'docs' }, { ...base, path: 'README.md', title: 'Not in the diff', category: 'docs' }],
    input,
  );
  assert.deepEqual(findings.map((f) => [f.path, f.line, f.title]), [['src/app.ts', 11, 'Off by one'], ['src/app.ts', 13, 'Misplaced'], ['src/app.ts', 28, 'Far away'], ['README.md', 11, 'Not in the diff']]);
  assert.deepEqual(checks, { merged: 0, moved: 1, outsideDiff: 2, suggestionsDropped: 0 });
});

test('duplicates merge into the most severe, most confident one; a "./" or "b/" path prefix is cleaned', () => {
  const { findings, checks } = validateFindings(
    [{ ...base, severity: 'minor', confidence: 0.5 }, { ...base, path: './src/app.ts', title: 'Loop ends one short', confidence: 0.95 }, { ...base, path: 'b/src/app.ts', line: 12, title: 'off by ONE ' }],
    input,
  );
  assert.equal(findings.length, 1);
  assert.equal(checks.merged, 2);
  assert.equal(findings[0]!.title, 'Loop ends one short');
  assert.equal(findings[0]!.confidence, 0.95);
  assert.match(findings[0]!.body, /Also: Off by one/);
  assert.match(findings[0]!.body, /Also at line 12: off by ONE/, 'the occurrence on another line is named, not lost');
});

test('a suggestion that applies at the head is kept; one that does not becomes plain text', () => {
  const { findings, checks } = validateFindings(
    [
      { ...base, suggestion: 'ONE' },
      { ...base, line: 12, category: 'style', title: 'No-op', suggestion: 'two' },
      { ...base, line: 41, side: 'old', category: 'docs', title: 'Removed', suggestion: 'x' },
      { ...base, line: 15, category: 'tests', title: 'Moved', suggestion: 'y' },
    ],
    input,
  );
  assert.equal(findings[0]!.suggestion, 'ONE');
  assert.equal(findings[1]!.suggestion, undefined);
  assert.match(findings[1]!.body, /Suggested replacement \(not offered as a one-click suggestion: it does not change the code\)/);
  assert.match(findings[2]!.body, /it is on a removed line/);
  assert.equal(findings[3]!.suggestion, undefined, 'a moved finding loses its suggestion: it was for another line');
  assert.equal(checks.suggestionsDropped, 2);
  assert.match(renderInlineComment(findings[0]!), /```suggestion:-0\+0\nONE\n```/);
  assert.doesNotMatch(renderInlineComment(findings[1]!), /```suggestion/);
});

test('thresholds hide low-confidence findings and nits, then cap the rest, most severe first; all counted', () => {
  const many: Finding[] = [
    { ...base, severity: 'nit', confidence: 0.99 },
    { ...base, severity: 'minor', confidence: 0.3 },
    { ...base, severity: 'minor', confidence: 0.8 },
    { ...base, severity: 'blocker', confidence: 0.7 },
    { ...base, severity: 'major', confidence: 0.9 },
  ];
  const { shown, hidden } = applyThresholds(many, { ...DEFAULT_REPO_SETTINGS.reviewer, max_findings: 2 });
  assert.deepEqual(shown.map((f) => f.severity), ['blocker', 'major']);
  assert.deepEqual(hidden, { lowConfidence: 1, nits: 1, overCap: 1 });
  assert.equal(applyThresholds(many, { ...DEFAULT_REPO_SETTINGS.reviewer, include_nits: true, min_confidence: 0 }).shown.length, 5);
});

test('.forgebot.yml: valid settings are read; errors are reported and the defaults used', () => {
  const good = parseRepoSettings('reviewer:\n  min_confidence: 0.8\n  language: Deutsch\nignore_paths: ["docs/**"]\n');
  assert.deepEqual(good.problems, []);
  assert.equal(good.settings.reviewer.min_confidence, 0.8);
  assert.equal(good.settings.reviewer.max_findings, 20);
  assert.deepEqual(good.settings.ignore_paths, ['docs/**']);
  const bad = parseRepoSettings('reviewer:\n  min_confidence: 7\n  colour: blue\n');
  assert.deepEqual(bad.settings, DEFAULT_REPO_SETTINGS);
  assert.match(bad.problems.join('\n'), /reviewer\.min_confidence/);
  assert.match(bad.problems.join('\n'), /colour/);
  assert.match(parseRepoSettings('reviewer: [unclosed').problems[0]!, /not valid YAML/);
  assert.deepEqual(parseRepoSettings(undefined), { settings: DEFAULT_REPO_SETTINGS, problems: [] });
});

test('guidelines are capped per file and in total', () => {
  const capped = capGuidelines([{ path: '.claude/review.md', text: 'x'.repeat(MAX_GUIDELINE_CHARS + 50) }, { path: 'CLAUDE.md', text: 'short' }, { path: 'AGENTS.md', text: 'y'.repeat(MAX_GUIDELINE_CHARS) }]);
  assert.equal(capped[0]!.truncated, true);
  assert.ok(capped[0]!.text.length < MAX_GUIDELINE_CHARS + 100);
  assert.equal(capped[1]!.text, 'short');
  assert.equal(capped[2]!.truncated, true, 'the total cap cuts the last file');
});

test('cost from the price table; an unknown model has no cost, and the footer says so', () => {
  const usage = { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 100_000, turns: 3 };
  assert.equal(costOf('claude-sonnet-4-5-20250929', usage)?.toFixed(4), (3 + 1.5 + 0.6 + 0.375).toFixed(4));
  assert.equal(costOf('my-own-model', usage), undefined);
  assert.equal(costOf('claude-opus-4-5-x', usage), undefined, 'a longer id is another model, not a dated one');
  assert.equal(costOf('claude-opus-4-20250514', usage)?.toFixed(2), (15 + 7.5 + 3 + 1.875).toFixed(2));
  const result = { headSha: 'a'.repeat(40), summary: 's', findings: [], model: 'my-own-model', usage, truncated: false };
  assert.match(renderSummary(result, { headSha: result.headSha, unanchored: [] }), /cost unknown \(no price for my-own-model\)/);
  assert.match(renderSummary({ ...result, model: 'claude-haiku-4-5', costUsd: 1.234 }, { headSha: result.headSha, unanchored: [] }), /\(2000000 cached\) · 100000 cache-write tokens · \$1\.23/);
});

test("forgebot's inline comment can be read back: severity, category, title", () => {
  assert.deepEqual(parseInlineComment(renderInlineComment(base)), { severity: 'major', category: 'bug', title: 'Off by one' });
  assert.equal(parseInlineComment('just a human comment'), undefined);
});

test('the summary: notices, what was held back, resolved threads, earlier findings still open, files not reviewed by reason', () => {
  const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
  const notReviewed = [...Array.from({ length: 40 }, (_, i) => ({ path: `vendor/x${i}.js`, reason: 'vendored code' })), { path: 'package-lock.json', reason: 'lock file' }];
  const body = renderSummary(
    {
      headSha: 'a'.repeat(40), summary: 'ok', findings: [], model: 'claude-haiku-4-5', usage, truncated: true, stoppedBy: 'tokens', costUsd: 0.5,
      notices: ['The settings file has problems, so the defaults were used: .forgebot.yml: reviewer.colour: Unrecognized key'],
      hidden: { lowConfidence: 2, nits: 3, overCap: 0 }, notRaisedAgain: 1, incrementalFrom: 'b'.repeat(40),
      carriedForward: [{ fingerprint: '0123abcd', path: 'src/a.ts', line: 4, severity: 'major', category: 'bug', title: 'Still wrong' }],
      filesReviewed: 7, notReviewed,
    },
    { headSha: 'a'.repeat(40), unanchored: [], resolvedThreads: 2 },
  );
  assert.match(body, /> ⚠️ The settings file has problems/);
  assert.match(body, /Incremental review of the commits after `bbbbbbbbbbbb`/);
  assert.match(body, /Not shown: 2 below the confidence threshold, 3 nits/);
  assert.match(body, /2 earlier findings fixed by the new commits: their threads were resolved/);
  assert.match(body, /1 finding already resolved or dismissed by a person was not raised again/);
  assert.match(body, /stopped at its token budget; it may be incomplete/);
  assert.match(body, /1 earlier finding still open[\s\S]*`src\/a\.ts:4` Still wrong/);
  assert.match(body, /7 files reviewed; 41 files not reviewed/);
  assert.match(body, /\*\*vendored code\*\* \(40\): `vendor\/x0\.js`.* … and 10 more/);
  assert.match(body, /\*\*lock file\*\* \(1\): `package-lock\.json`/);
});

test('a multi-line range is kept when the diff shows all of it; its suggestion replaces the range; otherwise the last line alone', () => {
  const { findings, checks } = validateFindings(
    [
      { ...base, startLine: 11, line: 13, suggestion: 'ONE\nTWO\nTHREE' },
      { ...base, category: 'docs', title: 'Range through unseen lines', startLine: 5, line: 12 },
      { ...base, category: 'style', title: 'Backwards range', startLine: 13, line: 11 },
      { ...base, category: 'tests', title: 'Range suggestion that changes nothing', startLine: 11, line: 12, suggestion: 'one\ntwo' },
    ],
    input,
  );
  assert.deepEqual(findings.map((f) => [f.title, f.startLine, f.line, f.suggestion]), [
    ['Off by one', 11, 13, 'ONE\nTWO\nTHREE'],
    ['Range through unseen lines', undefined, 12, undefined],
    ['Backwards range', undefined, 11, undefined],
    ['Range suggestion that changes nothing', 11, 12, undefined],
  ]);
  assert.equal(checks.suggestionsDropped, 1);
  assert.match(renderInlineComment(findings[0]!), /^```suggestion:-2\+0\nONE\nTWO\nTHREE\n```$/m, "GitLab's fence counts the lines above the last one");
});
