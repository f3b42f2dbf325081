import { formatDuration } from '../sentry-fix/merge-gate.js';
import type { HumanGate } from '../shared/human-gate.js';
import { forge } from './activities.js';
import { draftPlan, type Revision } from './plan.js';
import { postPlan } from './post-plan.js';
import { isEnding, type ApprovedPlan, type Ending, type PlanDraft, type TicketRun } from './run.js';
import { say } from './say.js';
import { TICKET_LIMITS } from './timing.js';

/** History stays bounded over a wait of days: the change is looked at about this many times at most per wait. */
const MAX_WATCHES = 600;

/** The change's watch interval over a wait of `expiryMs`. */
export function watchEvery(run: TicketRun, expiryMs: number): number {
  return Math.max(run.timing.pollIntervalMs, Math.ceil(expiryMs / MAX_WATCHES));
}

/** A plan that cannot be posted (changes nothing, or more than the project allows): why, or undefined. */
function unpostable(run: TicketRun, plan: PlanDraft): string | undefined {
  const { maxFiles, maxLines } = run.mapping;
  if (plan.files.length === 0) return 'the planner\'s plan changes no file';
  if (plan.files.length > maxFiles || plan.size.lines > maxLines) {
    return `the plan needs ${Math.max(plan.files.length, plan.size.files)} file(s) and about ${plan.size.lines} line(s); the project allows at most ${maxFiles} and ${maxLines}: split the ticket`;
  }
  return undefined;
}

/**
 * Plans until a person approves one: each version posted (draft change, Jira comment), then the `plan` gate — the
 * `decide` Update, or a permitted person's Jira comment through the same rules — with a reminder and an expiry.
 * A rejection (`/claude reject …`, `revise: …`) plans the next version with its reason, up to
 * TICKET_LIMITS.planVersions. `revision` starts from a request for a new version (files outside the plan).
 */
export async function agreePlan(run: TicketRun, gate: HumanGate, revision?: Revision): Promise<ApprovedPlan | Ending> {
  const { status, timing } = run;
  let draft = await draftPlan(run, revision);
  let revisedBecause = revision?.feedback;
  for (;;) {
    if (isEnding(draft)) return draft;
    const why = unpostable(run, draft);
    if (why) return { outcome: 'plan-rejected', detail: why };
    const version = (status.plans.at(-1)?.version ?? 0) + 1;
    await postPlan(run, draft, version, revisedBecause);
    const ref = status.change?.ref;
    let gone: 'closed' | 'merged' | undefined;
    const last = version >= TICKET_LIMITS.planVersions;
    run.setPhase('awaiting-plan-approval', `waiting for a person's decision on plan v${version}`);
    const result = await gate.wait({
      gate: 'plan',
      expiryMs: timing.planGateExpiryMs,
      refuse: (decision) => (decision.planVersion !== undefined && decision.planVersion !== version ? `plan v${decision.planVersion} is not the latest (v${version})` : undefined),
      next: (decision) =>
        decision === 'approve' ? `implementing plan v${version}` : last ? `ending: ${TICKET_LIMITS.planVersions} plan versions were rejected` : `planning v${version + 1} with the reason as feedback`,
      reminder: {
        afterMs: timing.planReminderMs,
        send: async () => void (await say(run, { kind: 'reminder', gate: 'plan', expiresAt: status.openGate?.expiresAt ?? '', workflowId: run.workflowId })),
      },
      ...(ref
        ? {
            watch: {
              everyMs: watchEvery(run, timing.planGateExpiryMs),
              check: async () => {
                const state = await forge.readChangeState(ref);
                gone = state === 'closed' || state === 'merged' ? state : undefined;
                return gone !== undefined;
              },
            },
          }
        : {}),
    });
    switch (result.kind) {
      case 'approved':
        status.approvedPlan = version;
        return { ...draft, version };
      case 'expired':
        return { outcome: 'plan-expired', detail: `no decision on plan v${version} within ${formatDuration(timing.planGateExpiryMs)}` };
      case 'interrupted':
        run.traces = {};
        return { outcome: 'closed-by-person', detail: `the plan's change was ${gone ?? 'closed'} by a person` };
      case 'rejected': {
        const reason = result.decision.reason ?? '';
        if (last) return { outcome: 'plan-rejected', detail: `plan v${version} was rejected by ${result.decision.by.name}, the last of ${TICKET_LIMITS.planVersions} versions` };
        revisedBecause = reason;
        draft = await draftPlan(run, { version, previousPlanClaim: draft.claim, feedback: reason });
      }
    }
  }
}
