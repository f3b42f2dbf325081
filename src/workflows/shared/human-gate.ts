import { ApplicationFailure, condition, currentUpdateInfo, isCancellation, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { GateAuditActivities, GateDecisionToRecord } from '../../audit/gate-decision-activities.js';
import { searchAttributes } from '../definitions.js';
import { decideUpdate, type GateDecision, type GateName, type GateOutcome, type StatusDecision } from '../sentry-fix-definitions.js';

/** The gates record each decision they take in the audit trail (an activity): Temporal UI ones too, Jira comments too. */
export const AUDIT_GATE_DECISIONS_PATCH = 'audit-gate-decisions';

/** Short and bounded: the workflow waits for the record before it acts on the decision. */
const gateAudit = proxyActivities<GateAuditActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 4 },
});

/** What a workflow's status shows of its gates (SentryFixStatus and the ticket workflow's status both have these). */
export interface GateStatus {
  openGate?: { gate: GateName; since: string; expiresAt: string };
  decisions: StatusDecision[];
}

/** An approval dropped from the open gate (withdrawApprovals), and why it no longer counts. */
export interface WithdrawnApproval {
  decision: GateDecision;
  reason: string;
}

export interface GateWait {
  gate: GateName;
  /** No decision within this long: the wait ends `expired`. */
  expiryMs: number;
  /** Different people whose approvals it takes (default 1). */
  approvals?: number;
  /**
   * A refusal the workflow's rules give now (the pipeline failed, a stale plan version), in a sentence; undefined
   * accepts. Runs inside the Update's validator: it may read state, never change it.
   */
  refuse?: (decision: GateDecision) => string | undefined;
  /** What the workflow does next after this decision, in a sentence (the Update's answer). */
  next: (decision: GateDecision['decision']) => string;
  /** Once, this long after the gate opened, if no decision came (e.g. a note on the change). */
  reminder?: { afterMs: number; send: () => Promise<void> };
  /** Every `everyMs` while waiting (e.g. the change closed by a person): true ends the wait `interrupted`. */
  watch?: { everyMs: number; check: () => Promise<boolean> };
  /** Ends the wait `interrupted` as soon as it turns true. */
  interrupted?: () => boolean;
}

export type GateResult =
  | { kind: 'approved'; decisions: GateDecision[] }
  | { kind: 'rejected'; decision: GateDecision }
  | { kind: 'expired' }
  | { kind: 'interrupted' };

/** A decision taken, with its audit key; `forwarded`: a forge comment's, which forwardDecision's row records already. */
interface TakenEntry extends GateDecisionToRecord {
  forwarded: boolean;
}

interface OpenGate {
  wait: GateWait;
  approvals: GateDecision[];
  /** Each approval's entry in status.decisions (marked there when it is withdrawn). */
  entries: Map<GateDecision, StatusDecision>;
  result?: GateResult;
}

const REFUSED = 'ERR_GATE_REFUSED';
const MAX_REASON = 2_000;

function refused(message: string): never {
  throw ApplicationFailure.create({ type: REFUSED, message, nonRetryable: true });
}

/** The same person (a forge user id when both have one, else the name, case-insensitively). */
function samePerson(a: GateDecision['by'], b: GateDecision['by']): boolean {
  if (a.userId !== undefined && b.userId !== undefined) return String(a.userId) === String(b.userId);
  return a.name.trim().toLowerCase() === b.name.trim().toLowerCase();
}

/** A decision's shape (an Update from the Temporal UI is any JSON): the reason it is malformed, if it is. */
function malformed(decision: unknown): string | undefined {
  if (typeof decision !== 'object' || decision === null) return 'a decision is an object { gate, decision, by, reason? }';
  const { gate, decision: verdict, by, reason } = decision as Partial<Record<keyof GateDecision, unknown>>;
  if (typeof gate !== 'string') return 'a decision names its gate';
  if (verdict !== 'approve' && verdict !== 'reject') return 'a decision is approve or reject';
  if (typeof by !== 'object' || by === null) return 'a decision says who made it (by: { name, source })';
  const { name, source } = by as Partial<Record<keyof GateDecision['by'], unknown>>;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) return 'a decision names who made it (by.name)';
  if (source !== 'cli' && source !== 'ui' && source !== 'comment') return 'by.source is cli, ui or comment';
  const { login } = by as { login?: unknown };
  if (login !== undefined && (typeof login !== 'string' || login.length > 200)) return 'by.login is a login name';
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_REASON)) return `a reason is text of at most ${MAX_REASON} characters`;
  return undefined;
}

/**
 * A person's decision at a gate, through the `decide` Update: a validator refuses (nothing written to history) a
 * malformed decision, one when no gate is open, at another gate, a reject without a reason, the same person approving
 * twice, and whatever the workflow's own rules refuse. The wait is durable, with a reminder, a watch and an expiry.
 * Create it when the workflow starts, so that an Update before any gate opens is refused with a reason.
 */
export class HumanGate {
  private open: OpenGate | undefined;
  /** Every decision taken, in order; the first `recorded` are in the audit trail (or were taken before the patch). */
  private readonly taken: TakenEntry[] = [];
  private recorded = 0;

  constructor(
    private readonly status: GateStatus,
    /** Why no gate is open now, e.g. "the workflow is fixing": the refusal of a decision then. */
    private readonly closedBecause: () => string,
  ) {
    setHandler(decideUpdate, (decision) => this.take(decision, currentUpdateInfo()?.id), { validator: (decision) => this.validate(decision) });
  }

  private validate(decision: GateDecision): void {
    const shape = malformed(decision);
    if (shape) refused(shape);
    const open = this.open;
    if (!open || open.result) refused(`no gate is open: ${this.closedBecause()}`);
    if (decision.gate !== open.wait.gate) refused(`the workflow waits at the ${open.wait.gate} gate, not ${decision.gate}`);
    if (decision.decision === 'reject' && !decision.reason?.trim()) refused('a rejection needs a reason');
    if (decision.decision === 'approve' && open.approvals.some((earlier) => samePerson(earlier.by, decision.by))) {
      refused(`${decision.by.name} approved already: the next approval must come from someone else`);
    }
    const rule = open.wait.refuse?.(decision);
    if (rule) refused(rule);
  }

  /** `updateId`: the `decide` Update's (the CLI's audit row has the same key); none for a decision submitted. */
  private take(decision: GateDecision, updateId?: string): GateOutcome {
    const open = this.open;
    // The validator ran in this same activation: a gate is open and undecided.
    if (!open || open.result) refused(`no gate is open: ${this.closedBecause()}`);
    const entry: StatusDecision = { ...decision, at: new Date().toISOString() };
    this.status.decisions.push(entry);
    this.taken.push({ key: updateId ?? `gate-decision:${this.taken.length}`, decision, forwarded: updateId !== undefined && decision.by.source === 'comment' });
    const { gate } = open.wait;
    if (decision.decision === 'reject') {
      open.result = { kind: 'rejected', decision };
      return { gate, decision: 'reject', next: open.wait.next('reject') };
    }
    open.approvals.push(decision);
    open.entries.set(decision, entry);
    const needed = open.wait.approvals ?? 1;
    if (open.approvals.length < needed) {
      const more = needed - open.approvals.length;
      return { gate, decision: 'approve', next: `waiting for ${more} more approval${more === 1 ? '' : 's'} from someone else` };
    }
    open.result = { kind: 'approved', decisions: [...open.approvals] };
    return { gate, decision: 'approve', next: open.wait.next('approve') };
  }

  /**
   * A decision that reaches the workflow another way than the Update (a Jira comment whose author an activity checked):
   * the same validation and the same state change as `decide`; a refusal is answered, not thrown.
   */
  submit(decision: GateDecision): { taken: GateOutcome } | { refused: string } {
    try {
      this.validate(decision);
      return { taken: this.take(decision) };
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === REFUSED) return { refused: error.message };
      throw error;
    }
  }

  /**
   * Drops the open gate's approvals that `disqualified` gives a reason for (e.g. the approver pushed commits since):
   * they no longer count, the gate waits for as many approvals as it still needs, and status.decisions marks each
   * withdrawn with its reason. A gate that completed is done: the approvals that completed it are never withdrawn (the
   * workflow acts on them already), and none is withdrawn once no gate is open. Answers the approvals dropped.
   */
  withdrawApprovals(disqualified: (decision: GateDecision) => string | undefined): WithdrawnApproval[] {
    const open = this.open;
    if (!open || open.result) return [];
    const withdrawn: WithdrawnApproval[] = [];
    const at = new Date().toISOString();
    open.approvals = open.approvals.filter((decision) => {
      const reason = disqualified(decision);
      if (reason === undefined) return true;
      withdrawn.push({ decision, reason });
      const entry = open.entries.get(decision);
      if (entry) entry.withdrawn = { at, reason };
      open.entries.delete(decision);
      return false;
    });
    return withdrawn;
  }

  /**
   * Opens the gate (status.openGate) and waits, durably, for its decision, its expiry or an interruption; then records
   * the decisions taken in the audit trail before the workflow acts on them (behind AUDIT_GATE_DECISIONS_PATCH: an
   * approval that does not end the gate yet is recorded as it comes).
   */
  async wait(wait: GateWait): Promise<GateResult> {
    const result = await this.waitOpen(wait, patched(AUDIT_GATE_DECISIONS_PATCH));
    await this.recordTaken();
    return result;
  }

  private unrecorded(): boolean {
    return this.recorded < this.taken.length;
  }

  /**
   * The decisions taken since the last record, written through an activity (a forge comment's are written by
   * forwardDecision already). Decisions taken before the patch (a replayed history without it) are passed over for good.
   * A record that fails after its retries is logged: the decision stands.
   */
  private async recordTaken(): Promise<void> {
    const fresh = this.taken.slice(this.recorded);
    this.recorded = this.taken.length;
    const decisions = fresh.filter((entry) => !entry.forwarded).map(({ key, decision }) => ({ key, decision }));
    if (decisions.length === 0 || !patched(AUDIT_GATE_DECISIONS_PATCH)) return;
    const repository = workflowInfo().typedSearchAttributes.get(searchAttributes.repository);
    try {
      await gateAudit.recordGateDecisions({ decisions, ...(repository ? { repository } : {}) });
    } catch (error) {
      if (isCancellation(error)) throw error;
      log.warn('gate decisions not recorded in the audit trail', { keys: decisions.map((entry) => entry.key), error: String(error) });
    }
  }

  /** `auditing`: wake for a decision taken that does not end the gate, to record it (not in histories before the patch). */
  private async waitOpen(wait: GateWait, auditing: boolean): Promise<GateResult> {
    const since = Date.now();
    const expiresAt = since + wait.expiryMs;
    const open: OpenGate = { wait, approvals: [], entries: new Map() };
    this.open = open;
    this.status.openGate = { gate: wait.gate, since: new Date(since).toISOString(), expiresAt: new Date(expiresAt).toISOString() };
    let reminderAt = wait.reminder && wait.reminder.afterMs < wait.expiryMs ? since + wait.reminder.afterMs : undefined;
    let watchAt = wait.watch ? since + wait.watch.everyMs : undefined;
    const interrupted = () => wait.interrupted?.() === true;
    try {
      for (;;) {
        if (open.result) return open.result;
        if (interrupted()) return { kind: 'interrupted' };
        if (auditing && this.unrecorded()) {
          await this.recordTaken();
          continue;
        }
        const now = Date.now();
        if (now >= expiresAt) return { kind: 'expired' };
        if (reminderAt !== undefined && now >= reminderAt) {
          reminderAt = undefined;
          await wait.reminder?.send();
          continue;
        }
        if (watchAt !== undefined && wait.watch && now >= watchAt) {
          if (await wait.watch.check()) return { kind: 'interrupted' };
          watchAt = Date.now() + wait.watch.everyMs;
          continue;
        }
        const wakeAt = Math.min(expiresAt, reminderAt ?? Infinity, watchAt ?? Infinity);
        await condition(() => open.result !== undefined || interrupted() || (auditing && this.unrecorded()), Math.max(1, wakeAt - now));
      }
    } finally {
      // Closed to new decisions; any taken meanwhile stay in status.decisions.
      this.open = undefined;
      delete this.status.openGate;
    }
  }
}
