// The one place the harness touches the runner: how a case becomes a ReviewTask, and the runner's entry point.
// When the runner's task or result grows, this file is the one to adjust.
import type { Logger } from 'pino';
import { runReview } from '../../src/agents/roles/reviewer/run.js';
import type { ReviewTask } from '../../src/domain/agent-task.js';
import type { ReviewResult } from '../../src/domain/finding.js';
import { PipelineSettings } from '../../src/domain/pipeline-settings.js';
import { DEFAULT_REPO_SETTINGS } from '../../src/domain/review-settings.js';
import type { EvalCase } from './case-schema.js';
import type { CaseRepo } from './materialize.js';

export interface ModelEndpoint {
  apiKey: string;
  /** The fake Anthropic server's URL, or a proxy; absent: api.anthropic.com. */
  baseUrl?: string;
  model: string;
}

export const EVAL_LIMITS: ReviewTask['limits'] = { maxTurns: 12, maxOutputTokens: 4_096, tokenBudget: 200_000, costBudgetUsd: 1 };

/**
 * The pipeline of a case's specialist run: the case's own `pipeline:`, else routing forced so the specialists run on
 * these small changes (no size threshold; general, security, performance and the case's language specialist
 * always), validation on.
 */
export function specialistPipeline(evalCase: Pick<EvalCase, 'language' | 'pipeline'>): PipelineSettings {
  if (evalCase.pipeline) return evalCase.pipeline;
  return PipelineSettings.parse({
    single_reviewer_below_lines: 0,
    validate: true,
    specialists: { general: { when: 'always' }, security: { when: 'always' }, performance: { when: 'always' }, [evalCase.language]: { when: 'always' } },
  });
}

/** `pipeline` absent: the single reviewer, as before (no review context); given: a review with those settings. */
export function caseTask(evalCase: EvalCase, repo: CaseRepo, model: string, pipeline?: PipelineSettings): ReviewTask {
  return {
    role: 'reviewer',
    request: {
      ref: { forge: 'gitlab', projectId: 1, projectPath: `eval/${evalCase.id}`, number: 1 },
      headSha: repo.headSha,
      title: evalCase.title,
      author: 'eval',
      sourceBranch: 'mr',
      targetBranch: 'main',
      webUrl: `http://eval.invalid/${evalCase.id}`,
      draft: false,
    },
    repository: { cloneUrl: `file://${repo.repo.dir}`, baseSha: repo.baseSha, headSha: repo.headSha },
    changedPaths: Object.keys(evalCase.head),
    model,
    limits: EVAL_LIMITS,
    ...(pipeline ? { review: { settings: { ...DEFAULT_REPO_SETTINGS, pipeline }, guidelines: [], priorFindings: [], resolvedFingerprints: [], notices: [] } } : {}),
  };
}

/** Runs the real runner (clone, tool loop over HTTP, finding checks) on the case's repository; with `pipeline`, as a specialist review. */
export function reviewCase(evalCase: EvalCase, repo: CaseRepo, endpoint: ModelEndpoint, workspace: string, log: Logger, pipeline?: PipelineSettings): Promise<ReviewResult> {
  const secrets = { anthropicApiKey: endpoint.apiKey, ...(endpoint.baseUrl ? { anthropicBaseUrl: endpoint.baseUrl } : {}) };
  return runReview(caseTask(evalCase, repo, endpoint.model, pipeline), secrets, workspace, log);
}
