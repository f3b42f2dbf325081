import { userInfo } from 'node:os';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Config } from '../../config.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';
import { decideUpdate, sentryFixStatusQuery, type GateDecision, type GateName, type GateOutcome } from '../../workflows/sentry-fix-definitions.js';

/** A decision the workflow (or the CLI before it) refused: its reason is printed, the exit code is 1. */
export class DecisionRefused extends Error {}

export interface DecideCommand {
  decision: GateDecision['decision'];
  workflowId: string;
  reason?: string;
  /** Who decides (default: the operator's login name). */
  as?: string;
}

/** The gate a workflow waits at now, from its `status` query (every workflow with a gate shows `openGate`). */
async function openGateOf(client: Client, workflowId: string): Promise<GateName> {
  const status: unknown = await client.workflow.getHandle(workflowId).query(sentryFixStatusQuery.name);
  const open = typeof status === 'object' && status !== null && 'openGate' in status ? (status as { openGate?: { gate?: unknown } }).openGate : undefined;
  if (typeof open?.gate === 'string') return open.gate as GateName;
  const phase = typeof status === 'object' && status !== null && 'phase' in status ? String((status as { phase: unknown }).phase) : 'unknown';
  throw new DecisionRefused(`${workflowId} waits at no gate (phase: ${phase})`);
}

/** The validator's reason (an ApplicationFailure inside the Update's failure), or the error's own message. */
function refusalOf(error: WorkflowUpdateFailedError): string {
  return error.cause?.message ?? error.message;
}

/**
 * Sends an operator's decision to the gate the workflow waits at (the `decide` Update) and answers what the workflow
 * does next; a refusal (no gate, a reject without a reason, an approval the rules refuse) is a DecisionRefused.
 */
export async function decideAtGate(client: Client, command: DecideCommand): Promise<GateOutcome> {
  if (command.decision === 'reject' && !command.reason?.trim()) throw new DecisionRefused('a rejection needs a reason (--reason)');
  try {
    const gate = await openGateOf(client, command.workflowId);
    const decision: GateDecision = {
      gate,
      decision: command.decision,
      ...(command.reason ? { reason: command.reason } : {}),
      by: { name: command.as ?? userInfo().username, source: 'cli' },
    };
    return await client.workflow.getHandle(command.workflowId).executeUpdate(decideUpdate, { args: [decision] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new DecisionRefused(refusalOf(error));
    if (error instanceof WorkflowNotFoundError) throw new DecisionRefused(`no workflow ${JSON.stringify(command.workflowId)}`);
    throw error;
  }
}

/** `forgebot approve|reject <workflow-id>`: prints what the workflow does next; a refusal throws DecisionRefused. */
export async function runDecideCommand(config: Config, command: DecideCommand, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<void> {
  const client = await connectTemporalClient(config);
  try {
    const outcome = await decideAtGate(client, command);
    out(`${command.workflowId}: ${outcome.decision === 'approve' ? 'approved' : 'rejected'} at the ${outcome.gate} gate; ${outcome.next}\n`);
  } finally {
    await client.connection.close();
  }
}
