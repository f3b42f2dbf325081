import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Config } from '../../config.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { cliDecisionEvent, type TakenDecision } from '../../audit/decision-row.js';
import { openAuditStore } from '../../audit/open-audit-store.js';
import { connectTemporalClient } from '../../workers/temporal-connection.js';
import { searchAttributes } from '../../workflows/definitions.js';
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
 * Sends an operator's decision to the gate the workflow waits at (the `decide` Update, with an id of its own) and
 * answers what the workflow took: the outcome, the run and the Update's id (the audit row's key). A refusal (no gate,
 * a reject without a reason, an approval the rules refuse) is a DecisionRefused.
 */
export async function sendDecision(client: Client, command: DecideCommand): Promise<TakenDecision> {
  if (command.decision === 'reject' && !command.reason?.trim()) throw new DecisionRefused('a rejection needs a reason (--reason)');
  try {
    const gate = await openGateOf(client, command.workflowId);
    const decision: GateDecision = {
      gate,
      decision: command.decision,
      ...(command.reason ? { reason: command.reason } : {}),
      by: { name: command.as ?? userInfo().username, source: 'cli', login: userInfo().username },
    };
    const handle = client.workflow.getHandle(command.workflowId);
    const update = await handle.startUpdate(decideUpdate, { args: [decision], updateId: randomUUID(), waitForStage: 'ACCEPTED' });
    const outcome = await update.result();
    const description = await handle.describe().catch(() => undefined); // only adds the run and repository to the audit row
    const repository = description?.typedSearchAttributes.get(searchAttributes.repository);
    return {
      workflowId: command.workflowId,
      runId: update.workflowRunId ?? description?.runId ?? 'unknown',
      updateId: update.updateId,
      decision,
      outcome,
      ...(repository ? { repository } : {}),
    };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new DecisionRefused(refusalOf(error));
    if (error instanceof WorkflowNotFoundError) throw new DecisionRefused(`no workflow ${JSON.stringify(command.workflowId)}`);
    throw error;
  }
}

/** `sendDecision`, answering the outcome only. */
export async function decideAtGate(client: Client, command: DecideCommand): Promise<GateOutcome> {
  return (await sendDecision(client, command)).outcome;
}

/** Writes the decision's audit row; a trail that cannot take it is said on stderr (the decision itself stands). */
async function recordDecision(config: Config, taken: TakenDecision, given: AuditStore | undefined, err: (text: string) => void): Promise<void> {
  let store: AuditStore | undefined = given;
  try {
    store ??= openAuditStore(config);
    await store.record([cliDecisionEvent(taken, userInfo().username)]);
  } catch (error) {
    err(`forgebot: the decision was taken but is not in the audit trail: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    if (!given) await store?.close().catch((error: unknown) => err(`forgebot: closing the audit trail failed: ${String(error)}\n`));
  }
}

export interface DecideOutput {
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** The audit trail (default: the configured one, opened for this command). */
  audit?: AuditStore;
}

/** `forgebot approve|reject <workflow-id>`: prints what the workflow does next and records who decided; a refusal throws DecisionRefused. */
export async function runDecideCommand(config: Config, command: DecideCommand, output: DecideOutput = {}): Promise<void> {
  const out = output.out ?? ((text: string) => process.stdout.write(text));
  const err = output.err ?? ((text: string) => process.stderr.write(text));
  const client = await connectTemporalClient(config);
  try {
    const taken = await sendDecision(client, command);
    out(`${command.workflowId}: ${taken.outcome.decision === 'approve' ? 'approved' : 'rejected'} at the ${taken.outcome.gate} gate; ${taken.outcome.next}\n`);
    await recordDecision(config, taken, output.audit, err);
  } finally {
    await client.connection.close();
  }
}
