import { z } from 'zod';
import { ReviewResult, PriorFinding, StopCause, TokenUsage } from './finding.js';
import { Guideline } from './guidelines.js';
import { AgentPatch, CommandRun } from './patch.js';
import { ReviewRequest } from './review-request.js';
import { BriefLearning, RelatedWork } from './review-memory.js';
import { CommandName, RepoSettings } from './review-settings.js';
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
  /** The change's labels (route specialists: `security-review`; `skip-review` skips the review). */
  labels: z.array(z.string().max(100)).max(100).optional(),
  /** Recent merged changes touching the same files, and issues the description links (named in the summary). */
  related: RelatedWork.optional(),
  /** Learnings a maintainer accepted for this repository: told to the reviewers. */
  learnings: z.array(BriefLearning).max(50).optional(),
  /** Set when a label of `pipeline.skip_labels` is on the change: it is not reviewed (a note names the label). */
  skip: z.object({ label: z.string().max(100) }).optional(),
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
  /**
   * A bug fix that must prove itself: the agent names the test files it added or changed (`test_paths`), and the
   * runner (not the model) runs `testCommand` at the head with only those files applied (must fail), then with the
   * whole patch (must pass). Absent: no proof is asked for.
   */
  verify: z.object({ testCommand: CommandName }).optional(),
});
export type ImplementTask = z.infer<typeof ImplementTask>;

/** The analyst: reads the code an error points at and explains it. Read-only tools; no command runs. */
export const AnalyzeTask = z.object({
  role: z.literal('analyst'),
  subject: SubjectRef,
  forge: z.enum(['gitlab', 'github']),
  repositoryPath: z.string().min(1),
  /** The default branch's head (baseSha = headSha). */
  repository: CheckoutSpec,
  /** What to analyse: trusted instructions, and the error's evidence (rendered, untrusted) as context. */
  goal: WorkGoal,
  model: z.string().min(1),
  limits: AgentLimits,
});
export type AnalyzeTask = z.infer<typeof AnalyzeTask>;

/** Lines of one file at the change's head (1-based, inclusive). */
const LineSpan = z.object({ path: z.string().min(1).max(1_000), startLine: z.number().int().min(1), endLine: z.number().int().min(1) });

/** forgebot's earlier finding, as it posted it (from forgebot's own record: its note's marker and text). */
export const ThreadFindingContext = z.object({
  fingerprint,
  path: z.string().min(1).max(1_000),
  line: z.number().int().positive(),
  severity: z.string().max(20),
  category: z.string().max(40),
  title: z.string().min(1).max(200),
  /** The finding note's text as forgebot posted it (markers removed). */
  body: z.string().max(20_000),
});
export type ThreadFindingContext = z.infer<typeof ThreadFindingContext>;

/** One note of a thread, oldest first: who wrote it (forgebot or a person) and what (untrusted, capped). */
export const ThreadNote = z.object({ author: z.string().max(100), byForgebot: z.boolean(), body: z.string().max(5_000) });
export type ThreadNote = z.infer<typeof ThreadNote>;

/**
 * What a person asked the answerer (all of it untrusted data but the kind): explain lines, suggest a change, or a
 * reply in one of forgebot's finding threads (the finding and the thread so far, the reply last).
 */
export const AnswerQuestion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('explain'), target: LineSpan, ask: z.string().max(2_000) }),
  z.object({
    kind: z.literal('suggest'),
    /** The lines the command's note is on (a diff note), or named in it; absent: the model finds the place. */
    target: LineSpan.optional(),
    ask: z.string().min(1).max(2_000),
  }),
  z.object({ kind: z.literal('reply'), finding: ThreadFindingContext, thread: z.array(ThreadNote).min(1).max(50) }),
]);
export type AnswerQuestion = z.infer<typeof AnswerQuestion>;

/** The answerer: reads the change's head and answers a person in a thread. Read-only tools; small budgets. */
export const AnswerTask = z.object({
  role: z.literal('answerer'),
  forge: z.enum(['gitlab', 'github']),
  repositoryPath: z.string().min(1),
  /** The change: base...head (the head is what is explained and what a suggestion applies to). */
  repository: CheckoutSpec,
  changedPaths: z.array(z.string()).max(5_000),
  question: AnswerQuestion,
  /** Who asked (username / login): named in the answer, untrusted. */
  asker: z.string().min(1).max(100),
  model: z.string().min(1),
  limits: AgentLimits,
});
export type AnswerTask = z.infer<typeof AnswerTask>;

/** The planner: reads the repository and a ticket's requirements and writes a plan. Read-only tools; no command runs. */
export const PlanTask = z.object({
  role: z.literal('planner'),
  subject: SubjectRef,
  forge: z.enum(['gitlab', 'github']),
  repositoryPath: z.string().min(1),
  /** The default branch's head (baseSha = headSha). */
  repository: CheckoutSpec,
  /** Trusted instructions; the ticket's requirements (untrusted) as context. */
  goal: WorkGoal,
  /** The plan this one revises, and what people asked to change (untrusted), for a version after the first. */
  revision: z.object({ version: z.number().int().min(1), previousPlan: z.string().max(50_000), feedback: z.string().max(20_000) }).optional(),
  /** The limits the plan must fit (the implementation is held to them). */
  scope: z.object({ maxFiles: z.number().int().min(1), maxLines: z.number().int().min(1) }),
  model: z.string().min(1),
  limits: AgentLimits,
});
export type PlanTask = z.infer<typeof PlanTask>;

export const AgentTask = z.discriminatedUnion('role', [ReviewTask, ImplementTask, AnalyzeTask, AnswerTask, PlanTask]);
export type AgentTask = z.infer<typeof AgentTask>;
export type AgentRoleName = AgentTask['role'];

/** The path of the repository a task works on, e.g. `group/app` (labels and logs). */
export function taskRepositoryPath(task: AgentTask): string {
  return task.role === 'reviewer' ? task.request.ref.projectPath : task.repositoryPath;
}

/**
 * What a person's reply in a finding thread says of the finding: `fixed` (they changed the code), `wont-fix` (a real
 * issue they accept), `false-positive` (forgebot was wrong), `disputed` (they disagree; forgebot keeps its view and says
 * why), `question` (they ask about it). `wont-fix` and `false-positive` keep it from being raised again on the change.
 */
export const FeedbackDisposition = z.enum(['fixed', 'wont-fix', 'false-positive', 'disputed', 'question']);
export type FeedbackDisposition = z.infer<typeof FeedbackDisposition>;

/** A replacement for lines of one file at the head, checked by the runner against its checkout (applies cleanly). */
export const CheckedSuggestion = LineSpan.extend({ replacement: z.string().max(20_000) });
export type CheckedSuggestion = z.infer<typeof CheckedSuggestion>;

/** The answerer's answer (model output: untrusted when shown; the runner checked the suggestion and the patch). */
export const AnswerResult = z.object({
  /** The answer in Markdown, to be rendered safe. */
  answer: z.string().min(1).max(20_000),
  /** suggest, one place: applies at `headSha` to exactly those lines. */
  suggestion: CheckedSuggestion.optional(),
  /** suggest, several places (or lines a suggestion cannot cover): a unified diff that `git apply --check`s at the head. */
  patch: z.string().max(50_000).optional(),
  /** reply: what the person's words say about the finding. */
  disposition: FeedbackDisposition.optional(),
  /** The head the answer read. */
  headSha: z.string().min(7),
  model: z.string(),
  usage: TokenUsage,
  costUsd: z.number().nonnegative().optional(),
  stoppedBy: StopCause.optional(),
  truncated: z.boolean().default(false),
});
export type AnswerResult = z.infer<typeof AnswerResult>;

/** The runner's own check of a fix: the declared test command before (test files only) and after (the whole patch). */
export const FixVerification = z.object({
  /** The patch's files the agent named as its test (a subset of the patch, never all of it). */
  testPaths: z.array(z.string().min(1).max(1_000)).max(50),
  /** At the head with only the test files applied: must fail (a non-zero exit, not a timeout). */
  before: CommandRun.optional(),
  /** With the whole patch: must pass. */
  after: CommandRun.optional(),
  /** `proven`: failed before and passed after. Otherwise why not, in a sentence (shown to people). */
  verdict: z.enum(['proven', 'no-test', 'passed-before', 'failed-after', 'not-run']),
  reason: z.string().max(2_000),
});
export type FixVerification = z.infer<typeof FixVerification>;

/** One file a plan changes. */
export const PlannedFile = z.object({
  path: z.string().min(1).max(1_000),
  change: z.enum(['add', 'modify', 'delete']),
  why: z.string().max(2_000),
});
export type PlannedFile = z.infer<typeof PlannedFile>;

/**
 * The planner's plan (model output: untrusted when shown). `questions` instead of steps when the ticket is too vague
 * to plan: the workflow asks them on the ticket and waits.
 */
export const PlanResult = z.object({
  summary: z.string().min(1).max(5_000),
  steps: z.array(z.string().min(1).max(2_000)).max(30),
  /** Every file the implementation may touch: one outside this list needs a new plan and a new approval. */
  files: z.array(PlannedFile).max(100),
  tests: z.array(z.object({ path: z.string().min(1).max(1_000), what: z.string().max(2_000) })).max(30),
  risks: z.array(z.string().max(2_000)).max(20),
  /** The planner's estimate of the implementation's size. */
  size: z.object({ files: z.number().int().nonnegative(), lines: z.number().int().nonnegative() }),
  /** Set when the ticket cannot be planned as written: what to ask its people (then steps and files are empty). */
  questions: z.array(z.string().min(1).max(2_000)).max(10).default([]),
  model: z.string(),
  usage: TokenUsage,
  costUsd: z.number().nonnegative().optional(),
  stoppedBy: StopCause.optional(),
  truncated: z.boolean().default(false),
});
export type PlanResult = z.infer<typeof PlanResult>;

/** The analyst's account of an error (everything in it is model output: untrusted when shown). */
export const AnalysisResult = z.object({
  rootCause: z.string().min(1).max(10_000),
  /** Where the evidence is: a path and lines in the repository, and why it matters. */
  evidence: z.array(z.object({ path: z.string().max(1_000), startLine: z.number().int().min(1).optional(), endLine: z.number().int().min(1).optional(), why: z.string().max(2_000) })).max(20),
  reproduction: z.string().max(5_000),
  fixable: z.boolean(),
  /** How sure the analyst is that a small code change in this repository fixes it (0..1). */
  confidence: z.number().min(0).max(1),
  /** Why it is or is not fixable here, in a sentence or two (never an empty "no fix"). */
  reason: z.string().min(1).max(3_000),
  /** The fix it would make, in words (the fixer's starting point). */
  proposedFix: z.string().max(5_000).optional(),
  model: z.string(),
  usage: TokenUsage,
  costUsd: z.number().nonnegative().optional(),
  stoppedBy: StopCause.optional(),
  truncated: z.boolean().default(false),
});
export type AnalysisResult = z.infer<typeof AnalysisResult>;

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
  /** Present when the task asked for `verify`. */
  verification: FixVerification.optional(),
});
export type ImplementResult = z.infer<typeof ImplementResult>;

/** A runner's output, keyed by the role that made it. */
export const AgentOutput = z.discriminatedUnion('role', [
  z.object({ role: z.literal('reviewer'), review: ReviewResult }),
  z.object({ role: z.literal('implementer'), work: ImplementResult }),
  z.object({ role: z.literal('analyst'), analysis: AnalysisResult }),
  z.object({ role: z.literal('answerer'), answer: AnswerResult }),
  z.object({ role: z.literal('planner'), plan: PlanResult }),
]);
export type AgentOutput = z.infer<typeof AgentOutput>;
export type OutputOf<Role extends AgentRoleName> = Extract<AgentOutput, { role: Role }>;
