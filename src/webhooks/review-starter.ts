import type { WorkflowStarter } from './workflow-starter.js';

/**
 * @deprecated the webhook layer starts every kind of workflow through a WorkflowStarter (workflow-starter.ts): a
 * review is `start('review', changeSubject(ref), signalOf(newRevisionSignal, request))`.
 */
export type ReviewStarter = WorkflowStarter;
