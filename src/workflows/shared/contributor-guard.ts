import { isCancellation, log, patched } from '@temporalio/workflow';
import type { ChangeContributor, ChangeContributors, ContributionKind } from '../../domain/change-contributors.js';
import { failureReason } from '../failure-reason.js';
import type { Decider, GateDecision } from '../sentry-fix-definitions.js';

/** A merge gate needing two people refuses approvals from people who worked on the change. */
export const CONTRIBUTORS_PATCH = 'contributors-cannot-approve';

const norm = (text: string) => text.trim().toLowerCase();

/**
 * The contributor a decider is, if any: the same forge account (a user id, or a login where a sender put one as
 * `userId`); or their name equal to the contributor's username or one of their names (case-insensitively); and, for a
 * CLI or Temporal UI decision (a name only), the name equal to one of their emails or its local part.
 */
export function contributorAmong(by: Decider, people: readonly ChangeContributor[]): ChangeContributor | undefined {
  const name = norm(by.name);
  const id = by.userId === undefined ? undefined : String(by.userId);
  const nameOnly = by.source !== 'comment' && by.userId === undefined;
  return people.find((person) => {
    if (id !== undefined && person.userId !== undefined && String(person.userId) === id) return true;
    if (id !== undefined && person.username !== undefined && norm(person.username) === norm(id)) return true;
    if (name === '') return false;
    if (person.username !== undefined && norm(person.username) === name) return true;
    if (person.names.some((known) => norm(known) === name)) return true;
    return nameOnly && person.emails.some((email) => email === name || email.split('@')[0] === name);
  });
}

const DOING: Record<ContributionKind, string> = { opened: 'opened it', authored: 'authored commits on it', committed: 'committed to it' };

function howTheyWorked(person: ChangeContributor): string {
  const doings = person.kinds.map((kind) => DOING[kind]);
  return doings.length <= 1 ? (doings[0] ?? 'worked on it') : `${doings.slice(0, -1).join(', ')} and ${doings.at(-1) ?? ''}`;
}

/**
 * The contributors of the change a merge gate waits on, read when the gate opens and again at each of its watch ticks
 * (a push during the wait counts from the next tick). While they cannot be read, every approval is refused: the gate
 * cannot tell who may approve. Rejections are never refused.
 */
export class ContributorGuard {
  private known: ChangeContributors | undefined;
  private unreadable: string | undefined;

  constructor(private readonly read: () => Promise<ChangeContributors>) {}

  async refresh(): Promise<void> {
    try {
      this.known = await this.read();
      this.unreadable = undefined;
    } catch (error) {
      if (isCancellation(error)) throw error;
      this.unreadable = failureReason(error);
      log.warn('could not read who worked on the change: approvals wait', { reason: this.unreadable });
    }
  }

  /** The gate's `refuse` rule (inside the Update's validator: reads state only). */
  refuse(decision: GateDecision, approvals: number): string | undefined {
    if (decision.decision !== 'approve') return undefined;
    if (this.unreadable !== undefined || !this.known) {
      return `forgebot could not read who worked on this change (${this.unreadable ?? 'not read yet'}), and its ${approvals} approvals must come from people who did not: it reads again at its next check; try again then`;
    }
    const person = contributorAmong(decision.by, this.known.people);
    if (!person) return undefined;
    return `${decision.by.name} worked on this change (${howTheyWorked(person)}): its ${approvals} approvals must come from people who did not work on it, so someone else must approve`;
  }
}

/** The guard for a merge gate needing `approvals` people (two or more, behind CONTRIBUTORS_PATCH), read once; else none. */
export async function contributorGuard(approvals: number, read: () => Promise<ChangeContributors>): Promise<ContributorGuard | undefined> {
  if (approvals < 2 || !patched(CONTRIBUTORS_PATCH)) return undefined;
  const guard = new ContributorGuard(read);
  await guard.refresh();
  return guard;
}
