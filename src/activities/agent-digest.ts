import type { AgentOutput, AgentRoleName, FeedbackDisposition, FixVerification } from '../domain/agent-task.js';
import type { ClaimRef } from '../domain/claim-ref.js';
import type { TokenUsage } from '../domain/finding.js';

/** The few facts of a reviewer's result a workflow keeps in its status. */
export interface ReviewDigest {
  role: 'reviewer';
  headSha: string;
  findings: number;
  usage: TokenUsage;
  costUsd?: number;
  filesReviewed?: number;
  notReviewed: number;
  incrementalFrom?: string;
}

/** The few facts of an implementer's work a workflow decides on (the patch itself stays behind the claim). */
export interface WorkDigest {
  role: 'implementer';
  filesChanged: number;
  linesAdded: number;
  linesDeleted: number;
  /** The paths the patch touches (new paths; a rename's old one too). Absent in digests from before it was kept. */
  paths?: string[];
  commands: Array<{ name: string; exitCode: number | null; timedOut: boolean }>;
  usage: TokenUsage;
  costUsd?: number;
  truncated: boolean;
  /** The runner's proof of a fix, when the task asked for one (`verify`). */
  verification?: { verdict: FixVerification['verdict']; reason: string; testPaths: string[] };
}

/** The analyst's verdict, which a workflow gates on (the full analysis stays behind the claim). */
export interface AnalysisDigest {
  role: 'analyst';
  fixable: boolean;
  confidence: number;
  /** The analyst's reason, cut to a line or two (model output: untrusted when shown). */
  reason: string;
  usage: TokenUsage;
  costUsd?: number;
  truncated: boolean;
}

/** What the answerer's answer holds (the text stays behind the claim; postAnswer reads it). */
export interface AnswerDigest {
  role: 'answerer';
  disposition?: FeedbackDisposition;
  suggestion: boolean;
  patch: boolean;
  usage: TokenUsage;
  costUsd?: number;
  truncated: boolean;
}

/** What a plan holds that the ticket workflow decides on (the plan itself stays behind the claim). */
export interface PlanDigest {
  role: 'planner';
  /** The files the plan may touch (the implementation is checked against them). */
  files: string[];
  size: { files: number; lines: number };
  /** Questions instead of a plan: the ticket is too vague. */
  questions: number;
  usage: TokenUsage;
  costUsd?: number;
  truncated: boolean;
}

export type AgentDigest = ReviewDigest | WorkDigest | AnalysisDigest | AnswerDigest | PlanDigest;

/** An agent run as workflow history keeps it: the claim check of the whole output, and its digest. */
export interface StoredAgentRun<Role extends AgentRoleName = AgentRoleName> {
  claim: ClaimRef;
  digest: Extract<AgentDigest, { role: Role }>;
}

export function digestOf(output: AgentOutput): AgentDigest {
  if (output.role === 'reviewer') {
    const { review } = output;
    return {
      role: 'reviewer',
      headSha: review.headSha,
      findings: review.findings.length,
      usage: review.usage,
      ...(review.costUsd !== undefined ? { costUsd: review.costUsd } : {}),
      ...(review.filesReviewed !== undefined ? { filesReviewed: review.filesReviewed } : {}),
      notReviewed: review.notReviewed?.length ?? 0,
      ...(review.incrementalFrom ? { incrementalFrom: review.incrementalFrom } : {}),
    };
  }
  if (output.role === 'analyst') {
    const { analysis } = output;
    return {
      role: 'analyst',
      fixable: analysis.fixable,
      confidence: analysis.confidence,
      reason: analysis.reason.slice(0, 500),
      usage: analysis.usage,
      ...(analysis.costUsd !== undefined ? { costUsd: analysis.costUsd } : {}),
      truncated: analysis.truncated,
    };
  }
  if (output.role === 'planner') {
    const { plan } = output;
    return {
      role: 'planner',
      files: plan.files.map((file) => file.path),
      size: plan.size,
      questions: plan.questions.length,
      usage: plan.usage,
      ...(plan.costUsd !== undefined ? { costUsd: plan.costUsd } : {}),
      truncated: plan.truncated,
    };
  }
  if (output.role === 'answerer') {
    const { answer } = output;
    return {
      role: 'answerer',
      ...(answer.disposition ? { disposition: answer.disposition } : {}),
      suggestion: answer.suggestion !== undefined,
      patch: answer.patch !== undefined,
      usage: answer.usage,
      ...(answer.costUsd !== undefined ? { costUsd: answer.costUsd } : {}),
      truncated: answer.truncated,
    };
  }
  const { work } = output;
  return {
    role: 'implementer',
    filesChanged: work.patch.filesChanged,
    linesAdded: work.patch.linesAdded,
    linesDeleted: work.patch.linesDeleted,
    paths: [...new Set(work.patch.files.map((file) => file.path))].slice(0, 500),
    commands: work.commands.map((run) => ({ name: run.name, exitCode: run.exitCode, timedOut: run.timedOut })),
    usage: work.usage,
    ...(work.costUsd !== undefined ? { costUsd: work.costUsd } : {}),
    truncated: work.truncated,
    ...(work.verification ? { verification: { verdict: work.verification.verdict, reason: work.verification.reason.slice(0, 500), testPaths: work.verification.testPaths } } : {}),
  };
}
