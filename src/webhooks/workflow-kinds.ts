import type { SearchAttributePair } from '@temporalio/common';
import { ReviewRequest } from '../domain/review-request.js';
import { safeLine } from '../domain/safe-markdown.js';
import { SentryTrigger } from '../domain/sentry/issue.js';
import { subjectLabel, type SubjectKind, type SubjectRef, type WorkflowKind } from '../domain/subject-ref.js';
import { cancelReviewSignal, searchAttributes, type ReviewWorkflowInput } from '../workflows/definitions.js';
import type * as workflows from '../workflows/index.js';
import { cancelSentryFixSignal, type SentryFixInput } from '../workflows/sentry-fix-definitions.js';
import { cancelTicketSignal, ticketSearchAttributes, type TicketWorkflowInput } from '../workflows/ticket-definitions.js';
import { WorkflowKindError, type WorkflowSignal } from './workflow-starter.js';

/** The deployment's task queues, by role (from the configuration); a kind names the role its workers poll. */
export interface TaskQueues {
  main: string;
}

type SubjectOf<S extends SubjectKind> = Extract<SubjectRef, { kind: S }>;

/** How to start (and operate) one kind of workflow. A new kind of workflow is one of these in `workflowKinds`. */
export interface WorkflowKindSpec<S extends SubjectKind = SubjectKind> {
  /** The workflow function's name, as exported from src/workflows/index.ts (`satisfies keyof typeof workflows`). */
  workflowType: string;
  /** The one kind of subject this workflow runs for; the starter refuses any other. */
  subject: S;
  taskQueue: keyof TaskQueues;
  /** The workflow's arguments, when signal-with-start starts it. */
  input(subject: SubjectOf<S>): unknown[];
  /** The Web UI's static summary (one line) and details, from the subject and the signal that starts the workflow. */
  describe(subject: SubjectOf<S>, signal: WorkflowSignal): { summary: string; details?: string };
  /** Search attributes set at start; the starter adds `ForgebotSubject` (the subject key) for every kind. */
  searchAttributes(subject: SubjectOf<S>): SearchAttributePair[];
  /** The signal `forgebot … cancel` sends (one argument: `{ by, reason? }`); absent when the kind cannot be cancelled. */
  cancelSignal?: string;
}

/** The registered kinds. A kind without an entry (not built yet) cannot be started. */
export type WorkflowKinds = { readonly [K in WorkflowKind]?: WorkflowKindSpec };

function isOfKind<S extends SubjectKind>(subject: SubjectRef, kind: S): subject is SubjectOf<S> {
  return subject.kind === kind;
}

/** One entry of `workflowKinds`: its methods receive the narrowed subject, and refuse (WorkflowKindError) any other. */
export function defineWorkflowKind<S extends SubjectKind>(spec: WorkflowKindSpec<S>): WorkflowKindSpec {
  const narrow = (subject: SubjectRef): SubjectOf<S> => {
    if (isOfKind(subject, spec.subject)) return subject;
    throw new WorkflowKindError(`a ${spec.workflowType} runs for a ${spec.subject}, not a ${subject.kind}`);
  };
  return {
    ...spec,
    input: (subject) => spec.input(narrow(subject)),
    describe: (subject, signal) => spec.describe(narrow(subject), signal),
    searchAttributes: (subject) => spec.searchAttributes(narrow(subject)),
  };
}

const review = defineWorkflowKind({
  workflowType: 'reviewWorkflow' satisfies keyof typeof workflows,
  subject: 'change',
  taskQueue: 'main',
  input: (subject) => [{ ref: subject.change } satisfies ReviewWorkflowInput],
  describe(subject, signal) {
    const request = ReviewRequest.safeParse(signal.args[0]);
    return {
      summary: `Review of ${subjectLabel(subject)}`,
      ...(request.success ? { details: `${request.data.title}\n\n${request.data.webUrl}` } : {}),
    };
  },
  searchAttributes: ({ change }) => [
    { key: searchAttributes.forge, value: change.forge },
    { key: searchAttributes.repository, value: change.projectPath },
    { key: searchAttributes.changeNumber, value: change.number },
    { key: searchAttributes.phase, value: 'waiting' },
  ],
  cancelSignal: cancelReviewSignal.name,
});

/**
 * A fix attempt for a Sentry issue (`sentry-fix:<org>:<issue id>`). The repository comes from the project mapping,
 * which the workflow reads at each run (it may change between runs), so no search attribute names it at start.
 */
const sentryFix = defineWorkflowKind({
  workflowType: 'sentryFixWorkflow' satisfies keyof typeof workflows,
  subject: 'sentry-issue',
  taskQueue: 'main',
  input: (subject) => [{ subject } satisfies SentryFixInput],
  describe(subject, signal) {
    const trigger = SentryTrigger.safeParse(signal.args[0]);
    if (!trigger.success) return { summary: `Sentry fix of ${subjectLabel(subject)}` };
    const { issue, reason } = trigger.data;
    // The title is the monitored application's text: made inert before the Web UI renders it as Markdown.
    return { summary: `Sentry fix of ${issue.shortId} (${reason})`, details: `${safeLine(issue.title)}\n\n${issue.webUrl ?? subjectLabel(subject)}` };
  },
  searchAttributes: () => [{ key: searchAttributes.phase, value: 'gating' }],
  cancelSignal: cancelSentryFixSignal.name,
});

/**
 * The work on a Jira ticket (`ticket:jira:<KEY>`): plan, approval, implementation. The ticket's text is read by the
 * workflow through Jira's API, never taken from the delivery, so the summary names the key only.
 */
const ticket = defineWorkflowKind({
  workflowType: 'ticketWorkflow' satisfies keyof typeof workflows,
  subject: 'jira-ticket',
  taskQueue: 'main',
  input: (subject) => [{ subject } satisfies TicketWorkflowInput],
  describe: (subject) => ({ summary: `Jira ticket ${subject.key}` }),
  searchAttributes: (subject) => [
    { key: ticketSearchAttributes.ticketKey, value: subject.key },
    { key: searchAttributes.phase, value: 'reading' },
  ],
  cancelSignal: cancelTicketSignal.name,
});

/** forgebot's workflow kinds. */
export const workflowKinds: WorkflowKinds = { review, 'sentry-fix': sentryFix, ticket };

/** The entry of `kind`, checked against the subject; throws WorkflowKindError for an unknown kind or a wrong subject. */
export function kindSpec(kinds: WorkflowKinds, kind: WorkflowKind, subject?: SubjectRef): WorkflowKindSpec {
  const spec = kinds[kind];
  if (spec === undefined) throw new WorkflowKindError(`no workflow kind ${JSON.stringify(kind)} is registered (known: ${Object.keys(kinds).join(', ')})`);
  if (subject !== undefined && subject.kind !== spec.subject) {
    throw new WorkflowKindError(`a ${kind} workflow runs for a ${spec.subject}, not a ${subject.kind}`);
  }
  return spec;
}
