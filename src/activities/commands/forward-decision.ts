import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ChangeRef } from '../../domain/change-ref.js';
import { changeSubject, subjectKey } from '../../domain/subject-ref.js';
import { searchAttributes } from '../../workflows/definitions.js';
import { decideUpdate, type GateDecision, type GateName } from '../../workflows/sentry-fix-definitions.js';
import type { GateStatus } from '../../workflows/shared/human-gate.js';
import type { DecisionForwarded } from './command-answer.js';

/** How long each call to Temporal may take (a lookup, a status query, the Update). */
export const CALL_TIMEOUT_MS = 20_000;

/** The visibility query of the running workflows that own `ref` (they set ForgebotOwnedChange when they opened it). */
export function ownerQuery(ref: ChangeRef): string {
  const key = subjectKey(changeSubject(ref));
  // Keys are escaped (subjectKey) but a repository path is still text: anything that could leave the literal is refused.
  if (!/^[\w.:%/@-]{1,600}$/.test(key)) {
    throw ApplicationFailure.create({ type: 'ERR_INVALID_CHANGE_KEY', message: `not a change key: ${JSON.stringify(key.slice(0, 100))}`, nonRetryable: true });
  }
  return `${searchAttributes.ownedChange.name} = "${key}" AND ExecutionStatus = "Running"`;
}

export type TemporalClient = Pick<Client, 'workflow' | 'connection'>;

/** The running workflow that owns `ref` (its type: a ticket's or a Sentry fix's), if any. */
export async function findOwner(client: TemporalClient, ref: ChangeRef): Promise<{ workflowId: string; runId: string; type: string } | undefined> {
  return client.connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, async () => {
    for await (const execution of client.workflow.list({ query: ownerQuery(ref), pageSize: 10 })) {
      return { workflowId: execution.workflowId, runId: execution.runId, type: execution.type };
    }
    return undefined;
  });
}

/** The reason a refused Update gives: the validator's ApplicationFailure message. */
export function refusal(error: WorkflowUpdateFailedError): string {
  return error.cause instanceof ApplicationFailure || error.cause instanceof Error ? error.cause.message : error.message;
}

/**
 * Sends a person's decision (already checked through the forge's API) to the workflow that owns the change, as its
 * `decide` Update, at the gate it waits at now (its status says; `merge` when none is open, which its validator
 * refuses with the reason). `updateId` (one per note) makes a retried activity get the first answer, never a second
 * decision.
 */
export async function forwardDecision(client: TemporalClient, ref: ChangeRef, decision: Omit<GateDecision, 'gate'>, updateId: string): Promise<DecisionForwarded> {
  const owner = await findOwner(client, ref);
  if (!owner) return { kind: 'no-owner' };
  const handle = client.workflow.getHandle(owner.workflowId, owner.runId);
  try {
    const status = await client.connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => handle.query<Partial<GateStatus> & { plans?: Array<{ version: number }> }>('status'));
    const gate: GateName = status.openGate?.gate ?? 'merge';
    // A plan gate decides the plan the person read: the latest posted when the status was read (a newer one posted
    // meanwhile makes the validator refuse it as stale).
    const planVersion = gate === 'plan' ? status.plans?.at(-1)?.version : undefined;
    const args: GateDecision = { ...decision, gate, ...(planVersion !== undefined && decision.planVersion === undefined ? { planVersion } : {}) };
    const outcome = await client.connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => handle.executeUpdate(decideUpdate, { args: [args], updateId }));
    return { kind: 'taken', workflowId: owner.workflowId, outcome, ...(args.planVersion !== undefined ? { planVersion: args.planVersion } : {}) };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return { kind: 'refused', workflowId: owner.workflowId, reason: refusal(error) };
    if (error instanceof WorkflowNotFoundError) return { kind: 'refused', workflowId: owner.workflowId, reason: 'the workflow ended meanwhile' };
    throw error;
  }
}
