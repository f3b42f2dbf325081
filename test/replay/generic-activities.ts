// Fakes of the activities the generic-agent-jobs code calls (readRunSettings, runAgent, publishStoredReview), on top
// of a World: the agent's output goes behind a real claim check (putJson/getJson, content-addressed refs) kept in memory.
import type { AgentActivities } from '../../src/activities/agent-activities.js';
import { outputClaimKind } from '../../src/activities/agent-activities.js';
import { digestOf } from '../../src/activities/agent-digest.js';
import type { ClaimCheckStore } from '../../src/activities/claim-check/claim-check-store.js';
import { missing, refFor, verifyBody } from '../../src/activities/claim-check/content-address.js';
import { getJson, putJson } from '../../src/activities/claim-check/json-claims.js';
import type { FindingOutcomeActivities } from '../../src/activities/finding-outcomes/finding-outcome-activities.js';
import type { ForgeActivities } from '../../src/activities/forge-activities.js';
import type { RunSettingsActivities } from '../../src/activities/run-settings-activities.js';
import { AgentOutput } from '../../src/domain/agent-task.js';
import type { RunSettings } from '../../src/workflows/definitions.js';
import type { World } from './replay-world.js';

/** A claim-check store in memory, with the file store's references and checks. */
export function memoryClaimStore(): ClaimCheckStore {
  const bodies = new Map<string, Uint8Array>();
  return {
    put: async (kind, body) => {
      const ref = refFor('file', kind, body);
      bodies.set(ref.key, body);
      return ref;
    },
    get: async (ref) => {
      const body = bodies.get(ref.key);
      if (!body) throw missing(ref);
      return verifyBody(ref, body);
    },
    prune: async () => 0,
    close: async () => undefined,
  };
}

export type GenericMainActivities = Pick<ForgeActivities, 'fetchChange' | 'readChangeState' | 'publishReview' | 'publishStoredReview' | 'reportFailure'> & RunSettingsActivities & FindingOutcomeActivities;

/** Main-queue and agent-queue activities of the current code; `settings` is what the worker is configured with. */
export function genericActivities(world: World, settings: () => RunSettings, claims = memoryClaimStore()) {
  const main: GenericMainActivities = {
    ...world.forge,
    readRunSettings: async () => {
      world.calls.push('readRunSettings');
      return settings();
    },
    // The scenarios close a change only after it closed: the forge confirms every close.
    readChangeState: async () => {
      world.calls.push('readChangeState');
      return 'merged';
    },
    recordFindingOutcomes: async (_ref, input) => {
      world.calls.push('recordFindingOutcomes');
      world.outcomesAsked.push(input);
      return { findings: input.feedback.length, recorded: input.feedback.length, proposedLearnings: 0 };
    },
    publishStoredReview: async (_ref, claim) => {
      world.calls.push('publishStoredReview');
      const output = await getJson(claims, claim, AgentOutput);
      if (output.role !== 'reviewer') throw new Error(`claim ${claim.key} holds a ${output.role} output`);
      return world.publish(output.review);
    },
  };
  const agent: Pick<AgentActivities, 'runAgent'> = {
    runAgent: async ({ assignment }) => {
      world.calls.push('runAgent');
      if (assignment.role === 'answerer') {
        const usage = { inputTokens: 5, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 1 };
        const output = { role: 'answerer', answer: { answer: `an answer for ${assignment.asker}`, headSha: assignment.repository.headSha, model: 'fake', usage, truncated: false } } satisfies AgentOutput;
        return { claim: await putJson(claims, outputClaimKind(output.role), output), digest: digestOf(output) };
      }
      if (assignment.role !== 'reviewer') throw new Error(`this world only reviews and answers, not ${assignment.role}`);
      const output = { role: 'reviewer', review: await world.review(assignment.change) } satisfies AgentOutput;
      return { claim: await putJson(claims, outputClaimKind(output.role), output), digest: digestOf(output) };
    },
  };
  return { main, agent };
}
