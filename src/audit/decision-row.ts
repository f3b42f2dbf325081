import type { GateDecision, GateOutcome } from '../workflows/sentry-fix-definitions.js';
import type { AuditEvent } from './audit-event.js';
import { subjectOfWorkflowId } from './workflow-subject.js';

/** A decision the workflow took through its `decide` Update, as the sender knows it. */
export interface TakenDecision {
  workflowId: string;
  runId: string;
  /** The Update's id: the row's idempotency key, as an activity id is for activities. */
  updateId: string;
  decision: GateDecision;
  outcome: GateOutcome;
  /** The workflow's repository (ForgebotRepository), when it has one. */
  repository?: string;
}

/**
 * The audit row of a decision sent from the CLI: who (as given, and the operator's own login), the gate, the plan
 * version, the outcome. The reason is a person's text and stays in the workflow's status, not here.
 */
export function cliDecisionEvent(taken: TakenDecision, login: string): AuditEvent {
  const { decision, outcome } = taken;
  const subject = subjectOfWorkflowId(taken.workflowId);
  return {
    category: 'decision',
    kind: 'decision',
    target: 'temporal',
    workflowId: taken.workflowId,
    runId: taken.runId,
    sourceId: taken.updateId,
    source: `cli:${decision.decision}`,
    ...(taken.repository ? { repository: taken.repository } : {}),
    ...(subject ? { subject } : {}),
    actor: decision.by.name,
    outcome: outcome.decision === 'approve' ? 'approved' : 'rejected',
    details: { decision: decision.decision, source: decision.by.source, gate: outcome.gate, planVersion: decision.planVersion, login, withReason: decision.reason !== undefined },
  };
}
