import { condition, setHandler } from '@temporalio/workflow';
import type { SentryTrigger } from '../domain/sentry/issue.js';
import { sentryFixStatusQuery, sentryTriggerSignal, type SentryFixInput, type SentryFixStatus } from './sentry-fix-definitions.js';

/** Placeholder until the sentry-fix workflow lands (helper: sentry-workflow): takes the trigger and ends. */
export async function sentryFixWorkflow(input: SentryFixInput): Promise<SentryFixStatus> {
  const triggers: SentryTrigger[] = [];
  const status: SentryFixStatus = { subject: input.subject, phase: 'gating', dryRun: true, gates: [], decisions: [], triggers: 0 };
  setHandler(sentryTriggerSignal, (trigger) => {
    triggers.push(trigger);
    status.triggers += 1;
  });
  setHandler(sentryFixStatusQuery, () => status);
  await condition(() => triggers.length > 0);
  return { ...status, phase: 'done', outcome: 'gated', outcomeDetail: 'the sentry-fix workflow is not built yet' };
}
