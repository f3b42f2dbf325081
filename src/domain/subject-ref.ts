import { z } from 'zod';
import { ChangeRef, reviewWorkflowId } from './change-ref.js';

/** What a piece of durable work is about: a change, a Sentry issue or a Jira ticket. */
export const SubjectRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('change'), change: ChangeRef }),
  z.object({
    kind: z.literal('sentry-issue'),
    /** Organization slug. */
    org: z.string().regex(/^[\w.-]{1,100}$/),
    issueId: z.string().regex(/^\d{1,20}$/),
  }),
  z.object({ kind: z.literal('jira-ticket'), key: z.string().regex(/^[A-Z][A-Z0-9_]{0,30}-\d{1,10}$/) }),
]);
export type SubjectRef = z.infer<typeof SubjectRef>;

/** The kinds of durable workflow forgebot runs; each is started for one kind of subject. */
export type WorkflowKind = 'review' | 'sentry-fix' | 'ticket';

/** Deterministic workflow id of a subject's workflow of one kind: the second line of defence against duplicates. */
export function workflowIdFor(kind: WorkflowKind, subject: SubjectRef): string {
  switch (subject.kind) {
    case 'change':
      return kind === 'review' ? reviewWorkflowId(subject.change) : `${kind}:${reviewWorkflowId(subject.change).slice('review:'.length)}`;
    case 'sentry-issue':
      return `${kind}:${subject.org}:${subject.issueId}`;
    case 'jira-ticket':
      return `${kind}:jira:${subject.key}`;
  }
}

/** A short human label of a subject, e.g. `group/app!3`, `sentry acme#123`, `PROJ-7`. */
export function subjectLabel(subject: SubjectRef): string {
  switch (subject.kind) {
    case 'change':
      return `${subject.change.projectPath}${subject.change.forge === 'github' ? '#' : '!'}${subject.change.number}`;
    case 'sentry-issue':
      return `sentry ${subject.org}#${subject.issueId}`;
    case 'jira-ticket':
      return subject.key;
  }
}

/** The kind of a subject: `change`, `sentry-issue`, `jira-ticket`. */
export type SubjectKind = SubjectRef['kind'];

/** The subject of a change's work. */
export function changeSubject(change: ChangeRef): Extract<SubjectRef, { kind: 'change' }> {
  return { kind: 'change', change };
}

/** Escapes the characters that separate (`:`), tag (`{`, `}`) or escape (`%`) a key, so that the key is injective. */
function keyPart(value: string | number): string {
  return String(value).replace(/[%:{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A stable, collision-free key of a subject: `change:gitlab:42:7`, `change:github:octo/repo:7`, `sentry-issue:acme:123`,
 * `jira-ticket:PROJ-7`. Free-form parts are escaped (`%3A` for `:`), so two different subjects never share a key. It
 * names the subject in dedupe keys and in the `ForgebotSubject` search attribute.
 */
export function subjectKey(subject: SubjectRef): string {
  switch (subject.kind) {
    case 'change':
      return `change:${subject.change.forge}:${keyPart(subject.change.projectId)}:${subject.change.number}`;
    case 'sentry-issue':
      return `sentry-issue:${keyPart(subject.org)}:${keyPart(subject.issueId)}`;
    case 'jira-ticket':
      return `jira-ticket:${keyPart(subject.key)}`;
  }
}
