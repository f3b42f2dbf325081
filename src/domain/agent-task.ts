import { z } from 'zod';
import { ReviewResult, PriorFinding, StopCause, TokenUsage } from './finding.js';
import { Guideline } from './guidelines.js';
import { AgentPatch, CommandRun } from './patch.js';
import { ReviewRequest } from './review-request.js';
import { RepoSettings } from './review-settings.js';
import { SubjectRef } from './subject-ref.js';

// The one contract between forgebot and its sandboxed agent runner, keyed by role. Validated on both sides of the
// sandbox boundary (the agent activity before a job starts, the runner when it reads its task). No secrets in here.

const fingerprint = z.string().regex(/^[0-9a-f]{8}$/);

/** What the forge told the review beyond the change itself: settings, guidelines and the earlier reviews' threads. */
export const ReviewContext = z.object({
  /** From `.forgebot.yml` on the target branch (defaults when it is absent or invalid). */
  settings: RepoSettings,
  /** `.claude/review.md`, `CLAUDE.md`, `AGENTS.md` from the target branch, size-capped. */
  guidelines: z.array(Guideline).max(5),
  /** The last head forgebot published a review for: only what changed since is reviewed. */
  lastReviewedSha: z.string().min(7).optional(),
  /** forgebot's findings whose threads are still open. */
  priorFindings: z.array(PriorFinding).max(500),
  /** Fingerprints of forgebot's findings whose threads were resolved (by a person, or as fixed): never raised again. */
  resolvedFingerprints: z.array(fingerprint).max(5_000),
  /** Shown on the change (e.g. `.forgebot.yml` errors). */
  notices: z.array(z.string().max(2_000)).max(20),
});
export type ReviewContext = z.infer<typeof ReviewContext>;

/** The repository the runner checks out: a read-only clone, never with credentials in the URL. */
export const CheckoutSpec = z.object({
  /** HTTP(S) URL or local path/file URL, without credentials. */
  cloneUrl: z.string().min(1),
  baseSha: z.string().min(7),
  headSha: z.string().min(7),
});
export type CheckoutSpec = z.infer<typeof CheckoutSpec>;

export const AgentLimits = z.object({
  maxTurns: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  tokenBudget: z.number().int().positive(),
  /** US dollars per run (needs a known model price). */
  costBudgetUsd: z.number().positive().optional(),
});
export type AgentLimits = z.infer<typeof AgentLimits>;

/** The reviewer: reads a change and returns findings. Read-only tools. */
export const ReviewTask = z.object({
  role: z.literal('reviewer'),
  request: ReviewRequest,
  repository: CheckoutSpec,
  /** Paths of the changed files (new paths), as the forge lists them. */
  changedPaths: z.array(z.string()),
  model: z.string().min(1),
  limits: AgentLimits,
  /** Absent: default settings, no guidelines, a full review. */
  review: ReviewContext.optional(),
});
export type ReviewTask = z.infer<typeof ReviewTask>;

/** What a write-capable role is asked to do: untrusted text (a ticket, a stack trace) goes in fenced as data. */
export const WorkGoal = z.object({
  title: z.string().min(1).max(300),
  /** What to change, in forgebot's words (trusted: written by forgebot's workflow, not by a user). */
  instructions: z.string().min(1).max(20_000),
  /** Material from the subject (ticket text, stack trace, comments): untrusted data. */
  context: z.string().max(100_000).default(''),
});
export type WorkGoal = z.infer<typeof WorkGoal>;

/** The implementer: edits the checkout inside the sandbox, runs the repository's declared commands, returns a patch. */
export const ImplementTask = z.object({
  role: z.literal('implementer'),
  subject: SubjectRef,
  /** Which forge's clone credential conventions apply (basic-auth user name). */
  forge: z.enum(['gitlab', 'github']),
  /** The repository's path on its forge, e.g. `group/app` (labels, logs). */
  repositoryPath: z.string().min(1),
  repository: CheckoutSpec,
  goal: WorkGoal,
  /** `.forgebot.yml` from the target branch: declared commands and scope limits. */
  settings: RepoSettings,
  model: z.string().min(1),
  limits: AgentLimits,
});
export type ImplementTask = z.infer<typeof ImplementTask>;

export const AgentTask = z.discriminatedUnion('role', [ReviewTask, ImplementTask]);
export type AgentTask = z.infer<typeof AgentTask>;
export type AgentRoleName = AgentTask['role'];

/** The path of the repository a task works on, e.g. `group/app` (labels and logs). */
export function taskRepositoryPath(task: AgentTask): string {
  return task.role === 'reviewer' ? task.request.ref.projectPath : task.repositoryPath;
}

/** What the implementer returns: its account of the work, the patch, and every command it ran. */
export const ImplementResult = z.object({
  summary: z.string().min(1).max(20_000),
  commitMessage: z.string().min(1).max(5_000),
  patch: AgentPatch,
  commands: z.array(CommandRun).max(200),
  model: z.string(),
  usage: TokenUsage,
  costUsd: z.number().nonnegative().optional(),
  stoppedBy: StopCause.optional(),
  truncated: z.boolean().default(false),
});
export type ImplementResult = z.infer<typeof ImplementResult>;

/** A runner's output, keyed by the role that made it. */
export const AgentOutput = z.discriminatedUnion('role', [
  z.object({ role: z.literal('reviewer'), review: ReviewResult }),
  z.object({ role: z.literal('implementer'), work: ImplementResult }),
]);
export type AgentOutput = z.infer<typeof AgentOutput>;
export type OutputOf<Role extends AgentRoleName> = Extract<AgentOutput, { role: Role }>;
