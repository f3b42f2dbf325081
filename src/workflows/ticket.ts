import { CancellationScope, condition, isCancellation, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { subjectKey } from '../domain/subject-ref.js';
import { searchAttributes } from './definitions.js';
import { failureReason } from './failure-reason.js';
import { CancellableStep } from './shared/cancellable-step.js';
import { HumanGate } from './shared/human-gate.js';
import { createPhaseTracker } from './shared/phase-tracker.js';
import {
  cancelTicketSignal,
  ticketCommentSignal,
  ticketReadySignal,
  ticketSearchAttributes,
  ticketStatusQuery,
  ticketWithdrawnSignal,
  type TicketPhase,
  type TicketStatus,
} from './ticket-definitions.js';
import { jira, repository } from './ticket/activities.js';
import { commentDesk } from './ticket/comment-desk.js';
import { undoTraces, withLeftBehind } from './ticket/compensation.js';
import { deliver } from './ticket/deliver.js';
import { acceptForgeRevisions } from './ticket/forge-revisions.js';
import { TicketInbox } from './ticket/inbox.js';
import { agreePlan } from './ticket/plan-gate.js';
import { movedOnByForgebot } from './ticket/reading.js';
import { isEnding, type Ending, type TicketRun } from './ticket/run.js';
import { say } from './ticket/say.js';
import { timingOf, type TicketRunInput } from './ticket/timing.js';

type Stop = Ending & { outcome: 'withdrawn' | 'cancelled' };

/** What the run starts from, before the ticket is read and mapped. */
interface Base {
  input: TicketRunInput;
  status: TicketStatus;
  inbox: TicketInbox;
  setPhase: TicketRun['setPhase'];
}

/** The ticket read and mapped, its repository's head and settings; then the plan, its approval, and the work. */
async function attempt(base: Base, gate: HumanGate, started: (run: TicketRun) => void): Promise<Ending> {
  const { input, status, setPhase } = base;
  const key = input.subject.key;
  setPhase('reading', `reading ${key} through Jira's API`);
  const reading = await jira.readTicketForWork(key);
  if (reading.kind === 'gone') return { outcome: 'withdrawn', detail: 'the ticket no longer exists', note: 'none' };
  const { ticket, mapping } = reading;
  if (!ticket.inReady) return { outcome: 'withdrawn', detail: `the ticket is not in the ready status any more (it is ${ticket.status.name})` };
  if (!mapping) {
    const reason = reading.unmappedReason ?? `no JIRA_REPOSITORIES mapping matches project ${ticket.projectKey}`;
    return { outcome: 'unmapped', detail: reason, note: { kind: 'unmapped', reason } };
  }
  const repo = { forge: mapping.forge, projectId: mapping.projectId, projectPath: mapping.projectPath };
  status.repository = { forge: mapping.forge, projectPath: mapping.projectPath };
  upsertSearchAttributes([
    { key: searchAttributes.forge, value: mapping.forge },
    { key: searchAttributes.repository, value: mapping.projectPath },
  ]);
  const located = await repository.locateFiles(repo, mapping.defaultBranch, []);
  const parsed = await repository.readRepositorySettings(repo, located.headSha);
  if (parsed.settings.commands[mapping.testCommand] === undefined) {
    const reason = `.forgebot.yml at ${mapping.defaultBranch} of ${mapping.projectPath} declares no \`${mapping.testCommand}\` command to test an implementation with`;
    return { outcome: 'unmapped', detail: reason, note: { kind: 'unmapped', reason } };
  }
  const run: TicketRun = {
    ...base,
    key,
    workflowId: workflowInfo().workflowId,
    timing: timingOf(input),
    mapping,
    repo,
    ticket,
    requirementsClaim: reading.requirementsClaim,
    baseSha: located.headSha,
    cloneUrl: located.cloneUrl,
    traces: {},
  };
  started(run);
  const approved = await agreePlan(run, gate);
  if (isEnding(approved)) return approved;
  return deliver(run, gate, approved);
}

/**
 * One workflow per Jira ticket (`ticket:jira:<KEY>`): the ticket read through Jira's API (never a delivery's word),
 * a plan (questions first when it is too vague), a person's approval of a plan version, an implementation held to the
 * plan's files and the project's limits with passing tests, the change, and the merge gate. The ticket withdrawn (left
 * the ready status, deleted) or an operator's cancel stops it at any point and undoes what it left, unless a person
 * took it over. Every end is said on the ticket once forgebot said anything there.
 */
export async function ticketWorkflow(input: TicketRunInput): Promise<TicketStatus> {
  const key = input.subject.key;
  const status: TicketStatus = { subject: input.subject, phase: 'reading', plans: [], decisions: [] };
  const inbox = new TicketInbox();
  const step = new CancellableStep();
  const setPhase = createPhaseTracker<TicketPhase>(status, [
    { key: searchAttributes.subject, value: subjectKey(input.subject) },
    { key: ticketSearchAttributes.ticketKey, value: key },
  ]);
  const gate = new HumanGate(status, () => (status.outcome ? `the ticket's work ended (${status.outcome})` : `the workflow is ${status.phase}`));
  let stop: Stop | undefined;
  let ended = false;
  let run: TicketRun | undefined;
  const over = () => ended || stop !== undefined;
  const requestStop = (next: Stop) => {
    if (over()) return;
    stop = next;
    step.cancel();
  };

  setHandler(ticketStatusQuery, () => status);
  setHandler(ticketReadySignal, () => {
    // The first comes with the start; a later one answers questions asked (the ticket was edited and made ready again).
    if (inbox.asking) inbox.readyAgain = true;
  });
  setHandler(ticketCommentSignal, () => {
    inbox.pending += 1;
  });
  const withdrawals = { pending: 0 };
  setHandler(ticketWithdrawnSignal, () => {
    if (!over()) withdrawals.pending += 1;
  });
  acceptForgeRevisions(inbox, status, workflowInfo().workflowId);
  setHandler(cancelTicketSignal, (cancel) => requestStop({ outcome: 'cancelled', detail: `cancelled by ${cancel.by}${cancel.reason ? `: ${cancel.reason}` : ''}` }));
  // Beside the steps, in the root scope (a stop cancels the steps, not these): withdrawals, and comments once mapped.
  beside('withdrawn signals', () => confirmWithdrawn(key, withdrawals, over, () => run?.movedTo, requestStop));
  beside('ticket comments', async () => {
    await condition(() => run !== undefined || over());
    if (run && !over()) await commentDesk(run, gate, over);
  });

  const base: Base = { input, status, inbox, setPhase };
  let ending: Ending;
  try {
    ending = await step.run(() =>
      attempt(base, gate, (mapped) => {
        run = mapped;
      }),
    );
  } catch (error) {
    ending = afterError(error, status, stop);
  }
  ended = true;
  await CancellationScope.nonCancellable(() => finish(ending, status, run ?? { key, status, inbox }));
  setPhase('done', `${status.outcome ?? 'ended'}: ${status.outcomeDetail ?? ''}`);
  return status;
}

/** Work that runs beside the steps until the run is over; the workflow cancelled through Temporal ends it quietly. */
function beside(what: string, work: () => Promise<void>): void {
  void work().catch((error: unknown) => {
    if (!isCancellation(error)) log.warn('work beside the ticket steps failed', { what, reason: failureReason(error) });
  });
}

/** A stopped or failed run: what happened, in a sentence (finish undoes what it left). */
function afterError(error: unknown, status: TicketStatus, stop: Stop | undefined): Ending {
  if (isCancellation(error)) {
    const stopped = stop ?? { outcome: 'cancelled', detail: 'the workflow was cancelled through Temporal' };
    log.info('ticket work stopped', { outcome: stopped.outcome, detail: stopped.detail });
    return stopped;
  }
  const reason = failureReason(error);
  status.lastError = reason;
  log.warn('ticket work failed', { reason });
  return { outcome: 'failed', detail: reason };
}

/** Undoes what the run left (unless a person took it over), records the outcome, and says it on the ticket. */
async function finish(ending: Ending, status: TicketStatus, run: Pick<TicketRun, 'key' | 'status' | 'inbox'> & Partial<Pick<TicketRun, 'repo' | 'traces'>>): Promise<void> {
  const undone = run.repo && run.traces ? await undoTraces({ repo: run.repo, traces: run.traces }) : {};
  const detail = withLeftBehind(ending.detail, undone);
  status.outcome = ending.outcome;
  status.outcomeDetail = detail;
  if (ending.note === 'none') return;
  if (ending.note) {
    await say(run, ending.note.kind === 'not-pushed' ? { ...ending.note, reason: withLeftBehind(ending.note.reason, undone) } : ending.note);
    return;
  }
  if (!run.inbox.spoke) return;
  const changeUrl = status.change?.webUrl;
  await say(run, { kind: 'ended', outcome: ending.outcome, detail, ...(changeUrl ? { changeUrl } : {}) });
}

/**
 * Takes withdrawn signals: one read of the ticket through Jira's API answers all that came before it; only a ticket
 * deleted, or out of the ready status (and not where forgebot moved it), stops the run. A read that fails is logged
 * and the signal not taken: a delivery's word alone stops nothing.
 */
async function confirmWithdrawn(key: string, withdrawals: { pending: number }, over: () => boolean, movedTo: () => string | undefined, requestStop: (stop: Stop) => void): Promise<void> {
  for (;;) {
    await condition(() => withdrawals.pending > 0 || over());
    if (over()) return;
    withdrawals.pending = 0;
    let reading;
    try {
      reading = await CancellationScope.nonCancellable(() => jira.readTicketForWork(key));
    } catch (error) {
      log.warn('could not confirm a withdrawn ticket; the signal is not taken', { reason: failureReason(error) });
      continue;
    }
    if (reading.kind === 'gone') return requestStop({ outcome: 'withdrawn', detail: 'the ticket was deleted', note: 'none' });
    const { name } = reading.ticket.status;
    if (!reading.ticket.inReady && !movedOnByForgebot({ movedTo: movedTo() }, name)) return requestStop({ outcome: 'withdrawn', detail: `the ticket left the ready status (it is ${name})` });
    log.info('a withdrawn signal the ticket does not confirm was ignored', { status: name });
  }
}
