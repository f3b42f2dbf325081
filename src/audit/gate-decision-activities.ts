import { Context } from '@temporalio/activity';
import type { GateDecision } from '../workflows/sentry-fix-definitions.js';
import type { AuditStore } from './audit-store.js';
import { gateDecisionEvent } from './decision-row.js';

/** One decision a gate took, with the key of its row: the Update's id, or `gate-decision:<n>` for one taken otherwise. */
export interface GateDecisionToRecord {
  key: string;
  decision: GateDecision;
}

export interface RecordGateDecisionsInput {
  /** The workflow's repository (ForgebotRepository), when it has one. */
  repository?: string;
  decisions: GateDecisionToRecord[];
}

export interface GateAuditActivities {
  /** Writes the decisions' audit rows (those already there, from a retry or the CLI, are kept as they are). */
  recordGateDecisions(input: RecordGateDecisionsInput): Promise<{ written: number }>;
}

/**
 * The workflows' own record of their gate decisions (human-gate.ts), so that a decision sent from the Temporal UI, or
 * taken from a Jira comment, is in the trail as a CLI one is. Its only effect is the write, so a failed write fails the
 * activity and Temporal retries it (bounded); the rows are keyed, so a retry adds none.
 */
export function createGateAuditActivities(deps: { store: AuditStore }): GateAuditActivities {
  return {
    async recordGateDecisions(input) {
      if (deps.store.kind === 'off' || input.decisions.length === 0) return { written: 0 };
      const execution = Context.current().info.workflowExecution;
      const origin = { workflowId: execution?.workflowId ?? 'none', runId: execution?.runId ?? 'none', ...(input.repository ? { repository: input.repository } : {}) };
      const written = await deps.store.record(input.decisions.map(({ key, decision }) => gateDecisionEvent({ ...origin, key }, decision)));
      return { written };
    },
  };
}
