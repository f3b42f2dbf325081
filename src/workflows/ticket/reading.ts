import { jira } from './activities.js';
import type { Ending, TicketRun } from './run.js';

/**
 * The ticket again, through Jira's API, before a step: deleted, or out of the ready status (unless forgebot moved it
 * on), ends the run `withdrawn`. Otherwise its latest requirements are what the step reads.
 */
export async function rereadTicket(run: TicketRun, before: string): Promise<Ending | undefined> {
  const reading = await jira.readTicketForWork(run.key);
  if (reading.kind === 'gone') return { outcome: 'withdrawn', detail: `the ticket was deleted before ${before}`, note: 'none' };
  const { ticket } = reading;
  if (!ticket.inReady && !movedOnByForgebot(run, ticket.status.name)) return { outcome: 'withdrawn', detail: `the ticket left the ready status (it is ${ticket.status.name}) before ${before}` };
  run.ticket = ticket;
  run.requirementsClaim = reading.requirementsClaim;
  return undefined;
}

/** The ticket is where forgebot moved it (the in-review status once the change opened): not a person withdrawing it. */
export function movedOnByForgebot(run: Pick<TicketRun, 'movedTo'>, statusName: string): boolean {
  return run.movedTo !== undefined && run.movedTo.toLowerCase() === statusName.toLowerCase();
}
