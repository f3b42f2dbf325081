import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { AgentAssignment, RunAgentInput } from '../../activities/agent-activities.js';
import type { AgentDigest } from '../../activities/agent-digest.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import type { TokenUsage } from '../../domain/finding.js';
import type { ReviewRequest } from '../../domain/review-request.js';
import { changeSubject, subjectKey } from '../../domain/subject-ref.js';
import type { AuditDetail, AuditFact } from '../audit-event.js';
import type { CallContext, RowMappers } from './call.js';

function reviewPlace(ref: ChangeRef): Pick<AuditFact, 'repository' | 'subject'> {
  return { repository: ref.projectPath, subject: subjectKey(changeSubject(ref)) };
}

/** Where an agent job worked: its repository and subject (an answerer's subject is its workflow's). */
function placeOf(assignment: AgentAssignment): Pick<AuditFact, 'repository' | 'subject'> {
  switch (assignment.role) {
    case 'reviewer':
      return reviewPlace(assignment.request.ref);
    case 'answerer':
      return { repository: assignment.repositoryPath };
    default:
      return { repository: assignment.repositoryPath, subject: subjectKey(assignment.subject) };
  }
}

function usageDetails(usage: TokenUsage): Record<string, number> {
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cacheReadTokens: usage.cacheReadTokens, cacheWriteTokens: usage.cacheWriteTokens, turns: usage.turns };
}

/** The digest's counts by role (never its text: an analyst's reason is model output). */
function roleDetails(digest: AgentDigest): Record<string, AuditDetail | undefined> {
  switch (digest.role) {
    case 'reviewer':
      return { findings: digest.findings, filesReviewed: digest.filesReviewed, notReviewed: digest.notReviewed, headSha: digest.headSha };
    case 'implementer':
      return { filesChanged: digest.filesChanged, linesAdded: digest.linesAdded, linesDeleted: digest.linesDeleted, verification: digest.verification?.verdict };
    case 'analyst':
      return { fixable: digest.fixable, confidence: digest.confidence };
    case 'planner':
      return { planFiles: digest.size.files, planLines: digest.size.lines, questions: digest.questions };
    case 'answerer':
      return { disposition: digest.disposition, suggestion: digest.suggestion, patch: digest.patch };
  }
}

function jobRow(role: string, place: Pick<AuditFact, 'repository' | 'subject'>, context: CallContext, outcome: string, details: Record<string, AuditDetail | undefined>): AuditFact {
  return {
    category: 'agent-job',
    kind: 'agent-job',
    target: 'sandbox',
    ...place,
    outcome,
    details: { role, model: context.model, durationMs: Math.round(context.durationMs), attempt: context.attempt, ...details },
  };
}

/** Agent jobs that finished: role, model, tokens, cost, duration and outcome (from the digest). */
export const agentRows = {
  runAgent: ({ args: [input], result, context }) => {
    const truncated = 'truncated' in result.digest && result.digest.truncated;
    return [jobRow(result.digest.role, placeOf(input.assignment), context, truncated ? 'truncated' : 'succeeded', { ...usageDetails(result.digest.usage), costUsd: result.digest.costUsd, ...roleDetails(result.digest) })];
  },
  runReviewAgent: ({ args: [request], result, context }) => [
    jobRow('reviewer', reviewPlace(request.ref), { ...context, model: result.model }, result.truncated ? 'truncated' : 'succeeded', {
      ...usageDetails(result.usage),
      costUsd: result.costUsd,
      findings: result.findings.length,
      headSha: result.headSha,
    }),
  ],
} satisfies RowMappers;

/** The failure's type as Temporal reports it (ERR_SANDBOX_TIMEOUT, ERR_MODEL_UNAUTHORIZED, …), never its message. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof ApplicationFailure) return error.type ?? 'ApplicationFailure';
  if (error instanceof CancelledFailure) return 'CancelledFailure';
  if (error instanceof Error) return error.name;
  return typeof error;
}

/**
 * A failed attempt of an agent job (it ran, and may have cost tokens): one row per attempt (`ordinal` = the attempt),
 * so a retried job's failures are each kept and the success that may follow is its own row.
 */
export function failedAgentJob(activityType: string, args: readonly unknown[], error: unknown, context: CallContext): AuditFact | undefined {
  if (activityType !== 'runAgent' && activityType !== 'runReviewAgent') return undefined;
  const assignment = activityType === 'runAgent' ? (args[0] as RunAgentInput | undefined)?.assignment : undefined;
  const request = activityType === 'runReviewAgent' ? (args[0] as ReviewRequest | undefined) : undefined;
  const role = activityType === 'runAgent' ? (assignment?.role ?? 'unknown') : 'reviewer';
  const place = assignment ? placeOf(assignment) : request ? reviewPlace(request.ref) : {};
  const cancelled = error instanceof CancelledFailure;
  const row = jobRow(role, place, context, cancelled ? 'cancelled' : 'failed', {
    errorType: errorTypeOf(error),
    nonRetryable: error instanceof ApplicationFailure ? error.nonRetryable : undefined,
  });
  return { ...row, kind: 'agent-job-failed', ordinal: context.attempt };
}
