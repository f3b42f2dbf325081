import { workflowIdFor } from '../../domain/subject-ref.js';
import type { Logger } from '../../logger.js';
import { sentryIssueSettledSignal, sentryTriggerSignal } from '../../workflows/sentry-fix-definitions.js';
import { handOverOrHold, nowhere, REDIS_TIMEOUT_MS, reply, type DispatchDeps, type Reply } from '../change-action.js';
import type { Claim } from '../dedupe.js';
import { actionKey, contentKey, deliveryKey } from '../dedupe-keys.js';
import type { Handover, HandoverResult } from '../outbox/handover.js';
import { withTimeout } from '../with-timeout.js';
import { signalOf, WorkflowKindError } from '../workflow-starter.js';
import type { SentryAction, SentrySubject } from './decide-sentry-action.js';

type Acted = Exclude<SentryAction, { kind: 'ignore' }>;

/** The (org, issue, action) key's action: one per start reason; resolved, ignored and archived are one settlement. */
const actionOf = (action: Acted) => (action.kind === 'start' ? `start:${action.trigger.reason}` : 'settled');

/**
 * What an accepted action makes new again. A settlement ends the attempt, so a later regression or alert is new work;
 * a start begins one, so a later settlement must reach it (Sentry sends `ignored` and `archived` for one archival:
 * the second is a duplicate). `created` happens once per issue and stays remembered.
 */
const reopened = (action: Acted) => (action.kind === 'start' ? ['settled'] : ['start:regressed', 'start:alert']);

function handoverFor(action: Acted): Handover {
  return action.kind === 'start'
    ? { workflow: 'sentry-fix', subject: action.subject, op: 'start', signal: signalOf(sentryTriggerSignal, action.trigger) }
    : { workflow: 'sentry-fix', subject: action.subject, op: 'signal', signal: signalOf(sentryIssueSettledSignal, action.settled) };
}

/**
 * Carries out a decided Sentry action with the ingest pieces the forges use: a Redis claim on (issue, Request-ID,
 * action), (issue, action) and (issue, body digest) — a duplicate answers 200 — then one handover to the workflow
 * layer, held in the outbox while Temporal cannot be reached (202 `queued`). Redis down: no claim (the workflow id
 * keeps one attempt per issue). Neither handed over nor held: the claim is released and 503 asks for a redelivery.
 */
export async function dispatchSentryAction(action: SentryAction, deps: DispatchDeps, log: Logger, dedupeId: string, digest: string): Promise<Reply> {
  if (action.kind === 'ignore') {
    log.info({ reason: action.reason }, 'sentry event ignored');
    return reply(202, { status: 'ignored', reason: action.reason });
  }
  const { subject } = action;
  const what = actionOf(action);
  const keys = [deliveryKey(subject, dedupeId, what), actionKey(subject, what), contentKey(subject, digest)];
  let claim: Claim | undefined;
  try {
    claim = await withTimeout(() => deps.dedupe.claim(keys), REDIS_TIMEOUT_MS, 'redis claim');
  } catch (error) {
    log.warn({ err: error, subject }, 'dedupe store unavailable: accepting without a claim (the workflow id deduplicates)');
  }
  if (claim?.claimed === false) {
    log.info({ subject, action: what }, 'duplicate delivery');
    return reply(200, { status: 'duplicate' });
  }

  let result: HandoverResult | 'queued';
  try {
    result = await handOverOrHold(deps, log, handoverFor(action), claim !== undefined);
  } catch (error) {
    log.error({ err: error, subject, action: what }, 'delivery neither handed over nor held; releasing it for redelivery');
    await withTimeout(async () => claim?.release(), REDIS_TIMEOUT_MS, 'redis release').catch((releaseError: unknown) => {
      log.error({ err: releaseError, subject }, 'could not release the dedupe claim; redeliveries are duplicates until it expires');
    });
    if (error instanceof WorkflowKindError) throw error;
    return nowhere;
  }
  if (claim !== undefined) await forgetReopened(deps, log, subject, action);
  const workflowId = workflowIdFor('sentry-fix', subject);
  if (action.kind === 'start') {
    log.info({ subject, reason: action.trigger.reason, result }, 'sentry fix requested');
    return reply(202, { status: result === 'queued' ? 'queued' : 'accepted', reason: action.trigger.reason, workflowId });
  }
  log.info({ subject, status: action.settled.status, result }, 'sentry issue settled');
  return reply(202, { status: result === 'signalled' ? 'settled' : result, reason: action.settled.status, workflowId });
}

/** Best effort: a key left behind only makes a later regression, alert or settlement a duplicate until it expires. */
async function forgetReopened(deps: DispatchDeps, log: Logger, subject: SentrySubject, action: Acted): Promise<void> {
  const keys = reopened(action).map((what) => actionKey(subject, what));
  await withTimeout(() => deps.dedupe.forget(keys), REDIS_TIMEOUT_MS, 'redis forget').catch((error: unknown) => {
    log.warn({ err: error, subject }, 'could not forget the earlier sentry actions; a later one may be taken for a duplicate until it expires');
  });
}
