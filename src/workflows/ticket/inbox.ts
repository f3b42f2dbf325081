import type { ChangeRevision } from '../ticket-definitions.js';

/** What forgebot said on the ticket that a later comment answers: its questions, a plan version, the implementation. */
export type Marker =
  | { id: string; kind: 'questions'; round: number }
  | { id: string; kind: 'plan'; version: number }
  | { id: string; kind: 'implemented' };

/** Whether Jira comment id `a` comes after `b` (ids are increasing numbers; compared as text of digits). */
export function isAfter(a: string, b: string): boolean {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length !== b.length ? a.length > b.length : a > b;
  return a > b;
}

/**
 * The ticket's comments as the workflow takes them: signals not read yet, where the next read starts, and what each
 * comment answers — decided by its place among forgebot's own comments (a comment written before plan v2 was posted
 * is about v1, whenever it is read). Comments written before forgebot's first comment are never taken.
 */
export class TicketInbox {
  /** Comment signals not read yet. */
  pending = 0;
  /** The next read takes the comments after this one (forgebot's first comment, then the last one read). */
  readFrom: string | undefined;
  readonly markers: Marker[] = [];
  /** forgebot said something on the ticket (its end is then said too). */
  spoke = false;
  /** The round of questions waiting for an answer, and the answer once a person gave one. */
  asking: { round: number } | undefined;
  answer: { text: string } | undefined;
  /** The ticket re-entered the ready status while questions waited. */
  readyAgain = false;
  /** The open change takes `revise:` comments (at most TICKET_LIMITS.revisions), gathered until the next step. */
  revisable = false;
  revisionsTaken = 0;
  revision: string | undefined;
  /** `/claude revise` notes whose requests are in `revision`: answered in their threads after the step. */
  revisionThreads: ChangeRevision[] = [];
  reads = 0;
  /** `approve` / `revise:` comments taken (TICKET_LIMITS.decisionComments). */
  decisionComments = 0;
  refusals = 0;

  /** forgebot's own comment `marker.id` was posted. */
  mark(marker: Marker): void {
    this.markers.push(marker);
    this.spoke = true;
    this.readFrom ??= marker.id;
  }

  /** The latest of forgebot's comments before comment `id`: what it answers (undefined: it came before any). */
  markerBefore(id: string): Marker | undefined {
    let found: Marker | undefined;
    for (const marker of this.markers) if (isAfter(id, marker.id) && (!found || isAfter(marker.id, found.id))) found = marker;
    return found;
  }

  /** Comment `id` was read: the next read starts after it. */
  read(id: string): void {
    if (this.readFrom === undefined || isAfter(id, this.readFrom)) this.readFrom = id;
  }
}
