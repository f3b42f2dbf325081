import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ChangeRef } from '../../domain/change-ref.js';
import { reviseChangeUpdate, type ChangeRevision } from '../../workflows/ticket-definitions.js';
import type { RevisionForwarded } from './command-answer.js';
import { CALL_TIMEOUT_MS, findOwner, refusal, type TemporalClient } from './forward-decision.js';

/** The workflow type that takes `/claude revise` (the Sentry fix's does not: out of scope, answered so). */
const REVISABLE_OWNER = 'ticketWorkflow';

/**
 * Sends a person's `/claude revise` (their access already checked through the forge's API) to the ticket workflow that
 * owns the change, as its `reviseChange` Update. `updateId` (one per note) makes a retried activity get the first
 * answer, never a second request.
 */
export async function forwardRevision(client: TemporalClient, ref: ChangeRef, revision: ChangeRevision, updateId: string): Promise<RevisionForwarded> {
  const owner = await findOwner(client, ref);
  if (!owner) return { kind: 'no-owner' };
  if (owner.type !== REVISABLE_OWNER) return { kind: 'not-revisable', workflowId: owner.workflowId };
  const handle = client.workflow.getHandle(owner.workflowId, owner.runId);
  try {
    const taken = await client.connection.withDeadline(Date.now() + CALL_TIMEOUT_MS, () => handle.executeUpdate(reviseChangeUpdate, { args: [revision], updateId }));
    return { kind: 'taken', workflowId: owner.workflowId, waiting: taken.waiting, revisionsLeft: taken.revisionsLeft };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return { kind: 'refused', workflowId: owner.workflowId, reason: refusal(error) };
    if (error instanceof WorkflowNotFoundError) return { kind: 'refused', workflowId: owner.workflowId, reason: 'the workflow ended meanwhile' };
    throw error;
  }
}
