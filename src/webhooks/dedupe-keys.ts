import { subjectKey, type SubjectRef } from '../domain/subject-ref.js';

/**
 * The Redis keys (before the dedupe prefix) for one subject (a change on any forge, a Sentry issue, a Jira ticket).
 * Every key of a subject shares the `{subject key}` hash tag, so a claim over several of them stays in one slot on
 * Redis Cluster; the subject key escapes `{`, `}` and `:`, so neither the tag nor the key can be forged by a name.
 */
function tag(subject: SubjectRef): string {
  return `{${subjectKey(subject)}}`;
}

/**
 * A delivery of an event about `subject`. GitLab's X-Gitlab-Event-UUID is shared by every event one GitLab request or
 * job sends to a hook (one push updating two merge requests sends both with the same UUID), so the key also names the
 * subject and what happened to it; `deliveryId` is the source's stable delivery id (GitLab's `Idempotency-Key`,
 * GitHub's `X-GitHub-Delivery`, both kept across redeliveries).
 */
export function deliveryKey(subject: SubjectRef, deliveryId: string, what: string): string {
  return `${tag(subject)}:delivery:${deliveryId}:${what}`;
}

/**
 * One revision of a subject (a change's head SHA): a second delivery of the same revision (another hook, a resend)
 * starts nothing.
 */
export function revisionKey(subject: SubjectRef, revision: string): string {
  return `${tag(subject)}:revision:${revision}`;
}

/**
 * The content of one delivery (`digest`: sha256 of the verified raw body). A captured signed delivery replayed with a
 * new delivery id is still the same body: a duplicate for as long as the claim lasts.
 */
export function contentKey(subject: SubjectRef, digest: string): string {
  return `${tag(subject)}:content:${digest}`;
}

/**
 * What happened to a subject (a Sentry issue created, regressed, settled), whatever delivery or body told of it: the
 * same happening may come again with a new delivery id and a changed body (counts, timestamps, a second hook).
 */
export function actionKey(subject: SubjectRef, action: string): string {
  return `${tag(subject)}:action:${action}`;
}
