import { isCancellation, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RepositoryActivities } from '../../activities/sentry/contracts.js';
import type { ChangeContributor, ChangeContributors, ContributionKind } from '../../domain/change-contributors.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { codeSpan, safeLine } from '../../domain/safe-markdown.js';
import { failureReason } from '../failure-reason.js';
import type { Decider, GateDecision } from '../sentry-fix-definitions.js';
import { mainQueueRetry } from './activity-proxies.js';
import type { HumanGate, WithdrawnApproval } from './human-gate.js';

/** A merge gate needing two people refuses approvals from people who worked on the change. */
export const CONTRIBUTORS_PATCH = 'contributors-cannot-approve';

/** Notes on the change: the activity the sentry-fix merge gate's reminder posts through (the ticket's go to Jira). */
const changeNotes = proxyActivities<Pick<RepositoryActivities, 'postChangeNote'>>(mainQueueRetry);

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

/** What an approver did that makes them a contributor after they approved, most telling first. */
function sinceApproving(name: string, person: ChangeContributor): string {
  if (person.kinds.includes('committed')) return `${name} pushed commits to the change after approving`;
  if (person.kinds.includes('authored')) return `${name} authored commits pushed to the change after approving`;
  return `${name} opened the change`;
}

/**
 * The contributors of the change a merge gate waits on, read when the gate opens and again at each of its watch ticks
 * (a push during the wait counts from the next tick). While they cannot be read, every approval is refused: the gate
 * cannot tell who may approve. Rejections are never refused. An approval given before its author became a contributor
 * is withdrawn at the tick that sees it (recheck).
 */
export class ContributorGuard {
  private known: ChangeContributors | undefined;
  private unreadable: string | undefined;

  constructor(
    private readonly approvals: number,
    private readonly ref: ChangeRef,
    private readonly read: () => Promise<ChangeContributors>,
  ) {}

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

  /**
   * A watch tick: reads the contributors again and withdraws the approvals of people who are contributors now (they
   * pushed after approving), telling the change once for each. Nothing is withdrawn on a failed read (the last one may
   * be stale), nor when an approval completed the gate meanwhile (see HumanGate.withdrawApprovals: it is done). An
   * approval that completes the gate between a push and the tick that reads it counts: the tick interval is the window.
   */
  async recheck(gate: HumanGate): Promise<void> {
    await this.refresh();
    const known = this.unreadable === undefined ? this.known : undefined;
    if (!known) return;
    const withdrawn = gate.withdrawApprovals((decision) => {
      const person = decision.decision === 'approve' ? contributorAmong(decision.by, known.people) : undefined;
      if (!person) return undefined;
      return `${sinceApproving(decision.by.name, person)}: their approval no longer counts; ${this.approvals} approvals from people who did not work on the change are needed`;
    });
    for (const each of withdrawn) await this.tell(each);
  }

  /** One note on the change per approval withdrawn; one that cannot be posted (after its retries) is logged. */
  private async tell({ decision, reason }: WithdrawnApproval): Promise<void> {
    log.info('approval withdrawn: the approver worked on the change since', { by: decision.by.name, reason });
    const body = `${safeLine(reason)}.\n\nThe merge gate of ${codeSpan(workflowInfo().workflowId)} keeps waiting for the approvals it still needs.`;
    try {
      await changeNotes.postChangeNote(this.ref, body);
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('could not tell the change an approval was withdrawn', { reason: failureReason(error) });
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

/**
 * The guard for a merge gate on `ref` needing `approvals` people (two or more, behind CONTRIBUTORS_PATCH, which the
 * withdrawal of an approval at a watch tick is part of too), read once; else none.
 */
export async function contributorGuard(approvals: number, ref: ChangeRef, read: () => Promise<ChangeContributors>): Promise<ContributorGuard | undefined> {
  if (approvals < 2 || !patched(CONTRIBUTORS_PATCH)) return undefined;
  const guard = new ContributorGuard(approvals, ref, read);
  await guard.refresh();
  return guard;
}
