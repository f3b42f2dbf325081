import { z } from 'zod';
import { Category, Severity } from '../../src/domain/finding.js';
import { PipelineSettings } from '../../src/domain/pipeline-settings.js';
import { SpecialistName } from '../../src/domain/specialist-name.js';

export const CaseLanguage = z.enum(['typescript', 'python', 'go', 'php']);
export type CaseLanguage = z.infer<typeof CaseLanguage>;

const RepoPath = z
  .string()
  .min(1)
  .max(200)
  .refine((path) => !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '.git' || part === ''), 'a relative path inside the repository (no "..", no .git)');

const LineRange = z.tuple([z.number().int().positive(), z.number().int().positive()]).refine(([first, last]) => first <= last, 'lines: [first, last] with first ≤ last');

/** An issue the case's merge request contains: a finding on `file` within `lines` (± the window) of `category` matches it. */
export const ExpectedIssue = z.strictObject({
  file: RepoPath,
  /** First and last line (head version) where the issue is. */
  lines: LineRange,
  category: Category,
  severity: Severity,
  /** Words a good finding mentions (reported as a keyword hit rate; not needed for a match). */
  keywords: z.array(z.string().min(2)).min(1).max(10),
});
export type ExpectedIssue = z.infer<typeof ExpectedIssue>;

/**
 * A finding the specialist pipeline's validation pass must drop (not confirmed at the head): one of
 * `aggregation.dropped` on `file` within `lines` (± the window), raised by `raised_by` when given.
 */
export const ExpectedDrop = z.strictObject({
  file: RepoPath,
  lines: LineRange,
  raised_by: SpecialistName.optional(),
});
export type ExpectedDrop = z.infer<typeof ExpectedDrop>;

/** What a bug, flaw or trap is (the corpus must cover each kind it names). */
export const CaseKind = z.enum([
  'off-by-one', 'null-deref', 'wrong-await', 'resource-leak',
  'sql-injection', 'command-injection', 'path-traversal', 'hard-coded-secret', 'xss', 'ssrf', 'insecure-deserialization',
  'n-plus-one', 'quadratic-loop', 'sync-io-hot-path',
  'outdated-doc', 'undocumented-api', 'untested-change', 'tautological-assertion', 'clean',
]);
export type CaseKind = z.infer<typeof CaseKind>;

/**
 * One review case (a YAML file under bench/eval/cases/<language>/): a small repository at the base, the merge
 * request's changes on top (null deletes a file), and what a good reviewer finds. A clean case expects nothing,
 * and any blocker/major finding on it is a false positive.
 */
export const EvalCase = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,60}$/, 'lowercase letters, digits and dashes'),
    language: CaseLanguage,
    kind: CaseKind,
    title: z.string().min(3).max(200),
    description: z.string().max(2_000).default(''),
    base: z.record(RepoPath, z.string()).refine((files) => Object.keys(files).length > 0, 'base needs at least one file'),
    head: z.record(RepoPath, z.string().nullable()).refine((files) => Object.keys(files).length > 0, 'head changes at least one file'),
    expected: z.array(ExpectedIssue).max(20),
    /**
     * `.forgebot.yml` `pipeline:` for the specialist run of this case; absent: the harness's forced routing (general,
     * security, performance and the case's language specialist, validation on: runner-adapter.ts). The docs and tests
     * cases set one that also forces docs and tests (by default they need 150 / 40 changed lines); a run that leaves
     * out a forced specialist, or every owner of an expected issue's category, fails the case.
     */
    pipeline: PipelineSettings.optional(),
    /** Findings the specialist run's validation must drop (the single reviewer has no validation pass). */
    expect_dropped: z.array(ExpectedDrop).max(20).default([]),
    /** Conflicting suggestions the specialist run's aggregation must settle, at least. */
    expect_conflicts: z.number().int().min(0).max(50).default(0),
  })
  .superRefine((value, ctx) => {
    if ((value.kind === 'clean') !== (value.expected.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['expected'], message: 'a clean case expects no issue, and every other case at least one' });
    }
    for (const [index, issue] of value.expected.entries()) {
      const text = value.head[issue.file] ?? (issue.file in value.head ? undefined : value.base[issue.file]);
      if (text === undefined) {
        ctx.addIssue({ code: 'custom', path: ['expected', index, 'file'], message: `${issue.file} is not a file of the head version` });
        continue;
      }
      const count = text.replace(/\n$/, '').split('\n').length;
      if (issue.lines[1] > count) ctx.addIssue({ code: 'custom', path: ['expected', index, 'lines'], message: `${issue.file} has ${count} lines` });
    }
    for (const [index, drop] of value.expect_dropped.entries()) {
      if (typeof (value.head[drop.file] ?? value.base[drop.file]) !== 'string') ctx.addIssue({ code: 'custom', path: ['expect_dropped', index, 'file'], message: `${drop.file} is not a file of the head version` });
    }
  });
export type EvalCase = z.infer<typeof EvalCase>;

/** One schema problem as text; a bad record key carries its reason in nested issues. */
export function issueText(issue: z.core.$ZodIssue): string {
  const nested = issue.code === 'invalid_key' ? `: ${issue.issues.map((inner) => inner.message).join('; ')}` : '';
  return `${issue.path.join('.') || '(root)'}: ${issue.message}${nested}`;
}
