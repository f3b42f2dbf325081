// Scoring of the evaluation harness on hand-built findings: matching, the line window, categories, the rates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpectedIssue } from '../bench/eval/case-schema.js';
import { scoreCase, scoreCorpus } from '../bench/eval/score.js';
import {
  aggregationTotals, caseAggregation, checkExpectations, scoreSpecialistCorpus, scoreSpecialists, VALIDATION_DROP_PREFIX, type SpecialistResult,
} from '../bench/eval/score-specialists.js';
import { emptyUsage, type Finding, type ReviewedFinding, type SpecialistReport } from '../src/domain/finding.js';
import type { SpecialistName } from '../src/domain/specialist-name.js';

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

describe('evaluation scoring per specialist', () => {
  const sqlCase = { expected: [issue('src/a.ts', [10, 12], 'security', 'blocker'), issue('src/b.ts', [5, 5], 'performance')], expect_dropped: [], expect_conflicts: 0 };
  const raised = (by: SpecialistName[], base: Finding): ReviewedFinding => ({ ...base, raisedBy: by });
  const report = (name: SpecialistName, findings: number, costUsd?: number): SpecialistReport =>
    ({ name, model: 'claude-sonnet-4-6', reason: 'always (.forgebot.yml)', findings, usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 10, turns: 2 }, durationMs: 40, ...(costUsd !== undefined ? { costUsd } : {}) });
  const drop = (path: string, line: number, by: SpecialistName[], reason: string) => ({ path, line, title: 'x', raisedBy: by, reason });
  const result: SpecialistResult = {
    findings: [
      raised(['security', 'general'], finding('src/a.ts', 11, 'security', 'blocker')),
      raised(['general'], finding('src/a.ts', 30, 'bug')),
      raised(['performance'], finding('src/b.ts', 5, 'performance')),
      raised(['performance'], finding('src/b.ts', 40, 'performance')),
    ],
    specialists: [report('general', 3, 0.02), report('security', 1, 0.01), report('performance', 4, 0.01)],
    aggregation: {
      duplicatesMerged: 1, conflictsResolved: 1, conflictRule: 'rule', validated: 4, notRun: [],
      dropped: [
        drop('src/a.ts', 11, ['general'], 'Merged as a duplicate into "SQL", which keeps its suggestion on line 11: this one\'s different suggestion was left out.'),
        drop('src/b.ts', 20, ['performance'], `${VALIDATION_DROP_PREFIX}: no loop around it.`),
        drop('src/b.ts', 6, ['performance'], `${VALIDATION_DROP_PREFIX}: a second query of the same issue.`),
      ],
    },
  };

  test('each specialist is scored on the posted findings that name it in raisedBy', () => {
    const scores = scoreSpecialists(sqlCase, result);
    const row = (name: string) => scores.find((entry) => entry.name === name)!;
    assert.deepEqual(scores.map((entry) => entry.name), ['general', 'security', 'performance']);
    assert.deepEqual([row('general').match.truePositives, row('general').match.falsePositives, row('general').match.found], [1, 1, 1]);
    assert.deepEqual([row('security').match.truePositives, row('security').match.falsePositives, row('security').raised], [1, 0, 1]);
    assert.deepEqual([row('performance').match.truePositives, row('performance').match.falsePositives, row('performance').droppedByValidation], [1, 1, 2]);
    assert.equal(row('general').droppedByValidation, 0, 'a lost suggestion is not a validation drop');
  });

  test('aggregation counts, validation drops on an expected issue, and the pipeline expectations', () => {
    assert.deepEqual({ ...caseAggregation(sqlCase, result), dropped: caseAggregation(sqlCase, result).dropped.map((entry) => entry.line) },
      { duplicatesMerged: 1, conflictsResolved: 1, validated: 4, dropped: [20, 6], droppedOnExpected: 1 });
    assert.deepEqual(checkExpectations({ expect_dropped: [{ file: 'src/b.ts', lines: [20, 20], raised_by: 'performance' }], expect_conflicts: 1 }, result), { met: true, problems: [] });
    assert.deepEqual(checkExpectations({ expect_dropped: [{ file: 'src/b.ts', lines: [20, 20], raised_by: 'security' }, { file: 'src/a.ts', lines: [11, 11] }], expect_conflicts: 2 }, result).problems, [
      'validation did not drop a finding of security on src/b.ts:20-20',
      'validation did not drop a finding on src/a.ts:11-11',
      '1 conflicting suggestion(s) settled, 2 expected',
    ]);
    assert.deepEqual(checkExpectations({ expect_dropped: [], expect_conflicts: 0 }, { findings: [] }).problems, ['the specialist pipeline did not run (only the general reviewer was routed)']);
  });

  test('over the corpus: rates, own-category recall, false positives per category, cost and time per specialist', () => {
    const clean = { findings: [raised(['performance'], finding('src/ok.py', 3, 'performance'))], specialists: [report('performance', 1)] };
    const cases = [
      { clean: false, specialists: scoreSpecialists(sqlCase, result), aggregation: caseAggregation(sqlCase, result) },
      { clean: true, specialists: scoreSpecialists({ expected: [] }, clean), aggregation: caseAggregation({ expected: [] }, clean) },
    ];
    const scores = scoreSpecialistCorpus(cases);
    assert.deepEqual(Object.keys(scores), ['general', 'security', 'performance']);
    const performance = scores.performance!;
    assert.deepEqual([performance.cases, performance.raised, performance.overall.truePositives, performance.overall.falsePositives], [2, 5, 1, 2]);
    assert.equal(performance.overall.precision, 1 / 3);
    assert.equal(performance.overall.recall, 1 / 2, 'all expected issues of the cases it ran on');
    assert.equal(performance.ownRecall, 1, 'the expected issues of its own category');
    assert.equal(performance.byCategory.performance?.falsePositives, 2);
    assert.equal(performance.costUsd, null, 'one of its runs had no price');
    assert.deepEqual([performance.usage.inputTokens, performance.usage.turns, performance.durationMs], [200, 4, 80]);
    assert.equal(scores.security!.ownRecall, 1);
    assert.equal(scores.security!.overall.recall, 1 / 2);
    assert.equal(scores.general!.costUsd, 0.02);
    assert.equal(scores.general!.ownRecall, null, 'no expected bug or maintainability issue');
    assert.deepEqual(aggregationTotals(cases), { duplicatesMerged: 1, conflictsResolved: 1, validated: 4, droppedByValidation: 2, droppedOnExpected: 1 });
  });
});
