import type { AuditFact } from '../audit-event.js';
import { agentRows } from './agent-rows.js';
import type { CallContext, RowMappers } from './call.js';
import { commandRows } from './command-rows.js';
import { forgeRows } from './forge-rows.js';
import { trackerRows } from './tracker-rows.js';

export { failedAgentJob } from './agent-rows.js';
export type { CallContext } from './call.js';

/**
 * Activity type → the audit rows of one successful call. An activity not listed leaves nothing outside forgebot
 * (reads, claim-store writes) or is not forgebot's. Names and shapes are checked against the activities' own types.
 */
export const auditRowMappers: RowMappers = { ...forgeRows, ...commandRows, ...trackerRows, ...agentRows };

/** The activity types that write audit rows when they succeed. */
export const auditedActivityTypes: readonly string[] = Object.keys(auditRowMappers);

/** The rows of a completed call of `activityType` (none for an activity not in the table). */
export function auditFactsFor(activityType: string, args: readonly unknown[], result: unknown, context: CallContext): AuditFact[] {
  const mapper = (auditRowMappers as Record<string, ((call: { args: readonly unknown[]; result: unknown; context: CallContext }) => AuditFact[]) | undefined>)[activityType];
  return mapper ? mapper({ args, result, context }) : [];
}
