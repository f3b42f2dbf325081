// A `reviewWorkflow` that is not forgebot's: it takes the same input but makes another command (an activity forgebot's
// code never schedules). Its history, replayed on the real code, is what a nondeterministic change looks like.
import { proxyActivities } from '@temporalio/workflow';
import type { ReviewWorkflowInput } from '../../src/workflows/definitions.js';

export interface ChangedStepActivities {
  stepTheRealCodeNeverTakes(input: ReviewWorkflowInput): Promise<void>;
}

const { stepTheRealCodeNeverTakes } = proxyActivities<ChangedStepActivities>({ startToCloseTimeout: '1 minute' });

export async function reviewWorkflow(input: ReviewWorkflowInput): Promise<{ phase: 'closed' }> {
  await stepTheRealCodeNeverTakes(input);
  return { phase: 'closed' };
}
