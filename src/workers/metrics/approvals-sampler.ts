import type { Client } from '@temporalio/client';
import { searchAttributes } from '../../workflows/definitions.js';
import type { SentryFixPhase } from '../../workflows/sentry-fix-definitions.js';
import type { GateStatus } from '../../workflows/shared/human-gate.js';
import type { TicketPhase } from '../../workflows/ticket-definitions.js';
import { approvalOldestWait, approvalsWaiting, GATES } from './forgebot-metrics.js';

/** The phases in which a workflow waits for a person, and the gate each is (ForgebotPhase, set by the phase tracker). */
const WAITING_PHASES = {
  'awaiting-approval': 'merge',
  'awaiting-merge-approval': 'merge',
  'awaiting-plan-approval': 'plan',
} as const satisfies Partial<Record<SentryFixPhase | TicketPhase, (typeof GATES)[number]>>;

/** The visibility query of the workflows waiting at a gate. */
export const WAITING_QUERY = `ExecutionStatus = "Running" AND ${searchAttributes.phase.name} IN (${Object.keys(WAITING_PHASES).map((phase) => `"${phase}"`).join(', ')})`;

/** Workflows read per sample: beyond it the count is still right, the age only of these. */
const MAX_LISTED = 200;
/** Whose status is queried for the gate's age per sample (each query is a workflow task on the main worker). */
const MAX_QUERIED = 50;
const QUERY_TIMEOUT_MS = 5_000;

/**
 * Samples the approvals waiting: the running workflows whose ForgebotPhase is a waiting phase, from Temporal
 * visibility (counted by gate), and the age of each gate's oldest open wait, from the workflows' own status
 * (`openGate.since`, read with the `status` query, which sentry-fix and ticket workflows answer). Visibility is
 * eventually consistent: a gate appears or goes a second or so late.
 */
export async function sampleApprovals(client: Pick<Client, 'workflow' | 'connection'>, now: () => number = Date.now): Promise<void> {
  const waiting: Array<{ workflowId: string; runId: string; gate: (typeof GATES)[number] }> = [];
  for await (const info of client.workflow.list({ query: WAITING_QUERY, pageSize: MAX_LISTED })) {
    const phase = info.typedSearchAttributes.get(searchAttributes.phase);
    const gate = phase !== undefined && Object.hasOwn(WAITING_PHASES, phase) ? WAITING_PHASES[phase as keyof typeof WAITING_PHASES] : undefined;
    if (gate) waiting.push({ workflowId: info.workflowId, runId: info.runId, gate });
    if (waiting.length >= MAX_LISTED) break;
  }
  const oldest: Record<string, number> = {};
  for (const { workflowId, runId, gate } of waiting.slice(0, MAX_QUERIED)) {
    const status = await client.connection
      .withDeadline(now() + QUERY_TIMEOUT_MS, () => client.workflow.getHandle(workflowId, runId).query<GateStatus>('status'))
      .catch(() => undefined); // ended meanwhile, or busy: its count stands, its age is not known this time
    const since = status?.openGate?.gate === gate ? Date.parse(status.openGate.since) : Number.NaN;
    if (!Number.isNaN(since)) oldest[gate] = Math.max(oldest[gate] ?? 0, (now() - since) / 1000);
  }
  for (const gate of GATES) {
    approvalsWaiting.set({ gate }, waiting.filter((entry) => entry.gate === gate).length);
    approvalOldestWait.set({ gate }, oldest[gate] ?? 0);
  }
}
