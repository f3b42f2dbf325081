import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { searchAttributes } from '../definitions.js';

/**
 * Sets a workflow's phase: in its status, in the ForgebotPhase search attribute (with the subject's identity, so
 * operators find the workflow however it was started) and in the current details shown by the Web UI.
 */
export function createPhaseTracker<Phase extends string>(status: { phase: Phase }, identity: readonly SearchAttributeUpdatePair[]) {
  return (phase: Phase, details: string): void => {
    status.phase = phase;
    upsertSearchAttributes([...identity, { key: searchAttributes.phase, value: phase }]);
    setCurrentDetails(details);
  };
}
