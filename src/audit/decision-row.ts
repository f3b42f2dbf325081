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

/** Where a decision was taken: the workflow's run, and the key that makes its row once (the Update's id, when one). */
export interface DecisionOrigin {
  workflowId: string;
  runId: string;
  key: string;
  repository?: string;
}

/**
 * The audit row of a person's decision at a gate: who (as given; the CLI operator's own login; the access level the
 * sender checked), the gate, the plan version, the outcome, the note it came from. The reason is a person's text and
 * stays in the workflow's status, not here. The CLI and the workflow's own record (gate-decision-activities.ts) build
 * it from the same facts with the same key, so whichever writes first, the trail holds one row, the same one.
 */
export function gateDecisionEvent(origin: DecisionOrigin, decision: GateDecision): AuditEvent {
  const { by } = decision;
  const subject = subjectOfWorkflowId(origin.workflowId);
  return {
    category: 'decision',
    kind: 'decision',
    target: 'temporal',
    workflowId: origin.workflowId,
    runId: origin.runId,
    sourceId: origin.key,
    source: `${by.source}:${decision.decision}`,
    ...(origin.repository ? { repository: origin.repository } : {}),
    ...(subject ? { subject } : {}),
    actor: by.name,
    ...(by.accessLevel ? { accessLevel: by.accessLevel } : {}),
    ...(by.noteUrl ? { url: by.noteUrl } : {}),
    outcome: decision.decision === 'approve' ? 'approved' : 'rejected',
    details: { decision: decision.decision, source: by.source, gate: decision.gate, planVersion: decision.planVersion, login: by.login, userId: by.userId, withReason: decision.reason !== undefined },
  };
}

/** The audit row of a decision sent from the CLI, keyed by its Update's id. */
export function cliDecisionEvent(taken: TakenDecision, login: string): AuditEvent {
  const { decision, outcome } = taken;
  return gateDecisionEvent(
    { workflowId: taken.workflowId, runId: taken.runId, key: taken.updateId, ...(taken.repository ? { repository: taken.repository } : {}) },
    { ...decision, gate: outcome.gate, by: { ...decision.by, login: decision.by.login ?? login } },
  );
}
