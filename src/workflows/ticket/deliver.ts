import type { HumanGate } from '../shared/human-gate.js';
import { implement } from './implement.js';
import { mergeStage } from './merge-stage.js';
import { agreePlan } from './plan-gate.js';
import { publishWork } from './publish.js';
import { rereadTicket } from './reading.js';
import { isEnding, type ApprovedPlan, type Ending, type TicketRun } from './run.js';
import { say } from './say.js';
import { TICKET_LIMITS } from './timing.js';

/**
 * From an approved plan to its end: the implementation (the ticket re-read first), its checks, the commit and the
 * merge stage. Work that touches files outside the plan is not pushed and asks for a new plan version, which needs a
 * new approval (bounded by TICKET_LIMITS.planVersions); any other failed check ends the run `not-pushed`.
 */
export async function deliver(run: TicketRun, gate: HumanGate, approved: ApprovedPlan): Promise<Ending> {
  let plan = approved;
  for (;;) {
    const withdrawn = await rereadTicket(run, 'implementing');
    if (withdrawn) return withdrawn;
    const head = run.traces.head ?? run.baseSha;
    const done = await implement(run, plan, head, { kind: 'plan', planClaim: plan.claim });
    if (done.ok) return mergeStage(run, gate, plan, await publishWork(run, plan, head, done.work));
    const workClaim = done.workClaim ? { workClaim: done.workClaim } : {};
    if (!done.outsidePlan) return { outcome: 'not-pushed', detail: done.reason, note: { kind: 'not-pushed', reason: done.reason, ...workClaim } };
    if (plan.version >= TICKET_LIMITS.planVersions) {
      return { outcome: 'not-pushed', detail: `${done.reason}; no plan version is left (at most ${TICKET_LIMITS.planVersions})`, note: { kind: 'not-pushed', reason: done.reason, ...workClaim } };
    }
    await say(run, { kind: 'not-pushed', reason: `${done.reason}; forgebot plans again, and the new plan needs a new approval`, ...workClaim });
    const feedback = [
      `The implementation of plan v${plan.version} needed files outside it: ${done.outsidePlan.join(', ')}.`,
      'Plan again: list every file the implementation needs, or a way that does without them.',
    ].join(' ');
    const next = await agreePlan(run, gate, { version: plan.version, previousPlanClaim: plan.claim, feedback });
    if (isEnding(next)) return next;
    plan = next;
  }
}
