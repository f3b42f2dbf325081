// Tiny workflows for the audit tests (bundled by the test's worker): one calls activities by their real names, one
// waits at a gate for the `decide` Update as forgebot's workflows do.
import { ActivityFailure, ApplicationFailure, condition, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import { decideUpdate, type GateDecision } from '../../src/workflows/sentry-fix-definitions.js';

export interface ActivityCall {
  name: string;
  args: unknown[];
}

/** Each call's end: done, or failed with its failure's type. */
export type CallEnd = { ok: true } | { ok: false; type: string | undefined };

type AnyActivities = Record<string, (...args: unknown[]) => Promise<unknown>>;

const activities = proxyActivities<AnyActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '50 milliseconds', backoffCoefficient: 1, maximumAttempts: 3 },
});

/** Calls the activities in order; a failed one (after its retries) is noted and the next runs. */
export async function callActivitiesWorkflow(calls: ActivityCall[]): Promise<CallEnd[]> {
  const ends: CallEnd[] = [];
  for (const call of calls) {
    const activity = activities[call.name];
    if (!activity) throw ApplicationFailure.nonRetryable(`no activity ${call.name}`);
    try {
      await activity(...call.args);
      ends.push({ ok: true });
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : undefined;
      ends.push({ ok: false, type: cause instanceof ApplicationFailure ? cause.type ?? undefined : undefined });
    }
  }
  return ends;
}

const statusQuery = defineQuery<{ phase: string; openGate?: { gate: 'merge' } }>('status');

/** Waits at a merge gate until a person decides (the validator refuses a reject without a reason, as the real gate does). */
export async function gateWorkflow(): Promise<GateDecision> {
  let decided: GateDecision | undefined;
  setHandler(statusQuery, () => (decided ? { phase: 'done' } : { phase: 'awaiting-approval', openGate: { gate: 'merge' } }));
  setHandler(
    decideUpdate,
    (decision) => {
      decided = decision;
      return { gate: decision.gate, decision: decision.decision, next: decision.decision === 'approve' ? 'the change is marked ready' : 'the change is closed' };
    },
    {
      validator: (decision) => {
        if (decided) throw new Error('already decided');
        if (decision.decision === 'reject' && !decision.reason) throw new Error('a rejection needs a reason');
      },
    },
  );
  await condition(() => decided !== undefined);
  return decided!;
}
