// Scoring of the evaluation harness on hand-built findings: matching, the line window, categories, the rates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpectedIssue } from '../bench/eval/case-schema.js';
import { scoreCase, scoreCorpus } from '../bench/eval/score.js';
import type { Finding } from '../src/domain/finding.js';

const issue = (file: string, lines: [number, number], category: ExpectedIssue['category'], severity: ExpectedIssue['severity'] = 'major'): ExpectedIssue => ({ file, lines, category, severity, keywords: ['injection', 'sql'] });
const finding = (path: string, line: number, category: Finding['category'], severity: Finding['severity'] = 'major', title = 'SQL injection'): Finding =>
  ({ path, line, side: 'new', severity, category, confidence: 0.9, title, body: 'Use parameters.' });

describe('evaluation scoring', () => {
  const sqlCase = { expected: [issue('src/a.ts', [10, 12], 'security', 'blocker'), issue('src/b.ts', [5, 5], 'performance')] };

  test('a finding on the right file, category and line range is a true positive; the other issue is missed', () => {
    const match = scoreCase(sqlCase, [finding('src/a.ts', 11, 'security', 'blocker')]);
    assert.equal(match.truePositives, 1);
    assert.equal(match.falsePositives, 0);
    assert.equal(match.found, 1);
    assert.equal(match.expectedBlocking, 2);
    assert.deepEqual(match.missed.map((missed) => missed.file), ['src/b.ts']);
    assert.equal(match.keywordHits, 1);
  });

  test('the line window: ±3 lines match by default, 4 lines off does not; the window is a parameter', () => {
    assert.equal(scoreCase(sqlCase, [finding('src/a.ts', 15, 'security')]).truePositives, 1);
    assert.equal(scoreCase(sqlCase, [finding('src/a.ts', 7, 'security')]).truePositives, 1);
    const far = scoreCase(sqlCase, [finding('src/a.ts', 16, 'security')]);
    assert.deepEqual([far.truePositives, far.falsePositives], [0, 1]);
    assert.equal(scoreCase(sqlCase, [finding('src/a.ts', 16, 'security')], 4).truePositives, 1);
    assert.equal(scoreCase(sqlCase, [finding('src/a.ts', 13, 'security')], 0).truePositives, 0);
  });

  test('a wrong category, a wrong file or an old-side line is a false positive', () => {
    for (const wrong of [finding('src/a.ts', 11, 'bug'), finding('src/c.ts', 11, 'security'), { ...finding('src/a.ts', 11, 'security'), side: 'old' as const }]) {
      const match = scoreCase(sqlCase, [wrong]);
      assert.deepEqual([match.truePositives, match.falsePositives, match.found], [0, 1, 0]);
    }
  });

  test('each issue matches one finding: a duplicate is a false positive; minor and nit findings are not scored', () => {
    const match = scoreCase(sqlCase, [finding('src/a.ts', 10, 'security'), finding('src/a.ts', 12, 'security'), finding('src/x.ts', 1, 'style', 'minor'), finding('src/x.ts', 2, 'bug', 'nit')]);
    assert.deepEqual([match.truePositives, match.falsePositives, match.found], [1, 1, 1]);
  });

  test('a blocking finding on an expected minor issue is neither true nor false, and minor issues are not in recall', () => {
    const match = scoreCase({ expected: [issue('src/a.ts', [1, 1], 'style', 'minor')] }, [finding('src/a.ts', 1, 'style')]);
    assert.deepEqual([match.truePositives, match.falsePositives, match.expectedBlocking], [0, 0, 0]);
  });

  test('corpus rates overall and per category, and the clean-case false-positive rate', () => {
    const cases = [
      { clean: false, match: scoreCase(sqlCase, [finding('src/a.ts', 11, 'security'), finding('src/b.ts', 5, 'performance'), finding('src/a.ts', 40, 'bug')]) },
      { clean: false, match: scoreCase({ expected: [issue('src/q.py', [3, 4], 'bug')] }, []) },
      { clean: true, match: scoreCase({ expected: [] }, [finding('src/ok.go', 2, 'security', 'blocker'), finding('src/ok.go', 9, 'style', 'minor')]) },
      { clean: true, match: scoreCase({ expected: [] }, [finding('src/ok.php', 2, 'style', 'nit')]) },
    ];
    const score = scoreCorpus(cases);
    assert.deepEqual(
      { tp: score.overall.truePositives, fp: score.overall.falsePositives, expected: score.overall.expected, found: score.overall.found },
      { tp: 2, fp: 2, expected: 3, found: 2 },
    );
    assert.equal(score.overall.precision, 0.5);
    assert.equal(score.overall.recall, 2 / 3);
    assert.equal(score.cleanCases, 2);
    assert.equal(score.cleanCasesFlagged, 1);
    assert.equal(score.falsePositiveRate, 0.5);
    assert.deepEqual(score.byCategory.security, { truePositives: 1, falsePositives: 1, expected: 1, found: 1, precision: 0.5, recall: 1 });
    assert.deepEqual(score.byCategory.bug, { truePositives: 0, falsePositives: 1, expected: 1, found: 0, precision: 0, recall: 0 });
    assert.deepEqual(score.byCategory.performance, { truePositives: 1, falsePositives: 0, expected: 1, found: 1, precision: 1, recall: 1 });
    assert.equal(score.byCategory.style, undefined, 'minor and nit findings are not scored');
  });

  test('nothing reported and nothing expected give no rate rather than a made-up one', () => {
    const score = scoreCorpus([{ clean: false, match: scoreCase({ expected: [] }, []) }]);
    assert.equal(score.overall.precision, null);
    assert.equal(score.overall.recall, null);
    assert.equal(score.falsePositiveRate, null);
  });
});
