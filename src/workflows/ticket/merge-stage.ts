import { isCancellation, patched, sleep } from '@temporalio/workflow';
import type { PipelineState } from '../../activities/forge.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { failureReason } from '../failure-reason.js';
import { formatDuration } from '../sentry-fix/merge-gate.js';
import { contributorGuard } from '../shared/contributor-guard.js';
import { runSettingsActivities } from '../shared/activity-proxies.js';
import type { HumanGate } from '../shared/human-gate.js';
import type { GateDecision } from '../sentry-fix-definitions.js';
import { author, contributors, forge, repository } from './activities.js';
import { answerRevisions } from './forge-revisions.js';
import { implement } from './implement.js';
import { watchEvery } from './plan-gate.js';
import { publishWork } from './publish.js';
import type { ApprovedPlan, Ending, TicketRun } from './run.js';
import { say } from './say.js';

const FINISHED: ReadonlySet<PipelineState> = new Set(['success', 'failed', 'canceled']);
/** `none` counts as passed only after this many reads in a row (forges create a pipeline a little after the commit). */
const NONE_READS = 2;
/** The pipeline wait polls its first FINE_POLLS at the configured interval, then coarsely (history stays bounded). */
const FINE_POLLS = 200;

type Open = { ref: ChangeRef; webUrl: string };

async function changeGone(ref: ChangeRef): Promise<'closed' | 'merged' | undefined> {
  const state = await forge.readChangeState(ref);
  return state === 'closed' || state === 'merged' ? state : undefined;
}

async function readPipeline(run: TicketRun, sha: string): Promise<PipelineState> {
  const pipeline = await repository.readPipeline(run.repo, sha);
  run.status.pipeline = { state: pipeline.state, ...(pipeline.webUrl ? { webUrl: pipeline.webUrl } : {}) };
  return pipeline.state;
}

/**
 * Runs from before it: the pipeline read every `timing.pollIntervalMs` (the input's, else 60 s). Since: the worker's
 * JIRA_PIPELINE_POLL_SECONDS, read through readRunSettings when each wait starts, unless the input set an interval.
 */
export const TICKET_PIPELINE_POLL_PATCH = 'ticket-pipeline-poll-setting';

/** The interval the pipeline is read at (and the change watched at) from now on; see TICKET_PIPELINE_POLL_PATCH. */
async function pollSetting(run: TicketRun): Promise<void> {
  if (!patched(TICKET_PIPELINE_POLL_PATCH) || run.input.timing?.pollIntervalMs !== undefined) return;
  const { ticketPipelinePollMs } = await runSettingsActivities.readRunSettings();
  if (ticketPipelinePollMs !== undefined && Number.isFinite(ticketPipelinePollMs)) run.timing.pollIntervalMs = Math.max(100, Math.round(ticketPipelinePollMs));
}

type PipelineWait = { kind: 'finished' } | { kind: 'gone'; state: 'closed' | 'merged' } | { kind: 'expired' } | { kind: 'revision' };

/** Polls the change and its pipeline (durable timers) until the pipeline finishes, the change goes, a revision is asked, or time runs out. */
async function waitForPipeline(run: TicketRun, open: Open, sha: string): Promise<PipelineWait> {
  await pollSetting(run);
  const { pollIntervalMs, mergeGateExpiryMs } = run.timing;
  run.setPhase('pipeline', `waiting for the pipeline of ${sha.slice(0, 12)}`);
  const deadline = Date.now() + mergeGateExpiryMs;
  let nonesInARow = 0;
  for (let polls = 1; ; polls++) {
    if (run.inbox.revision !== undefined) return { kind: 'revision' };
    const gone = await changeGone(open.ref);
    if (gone) return { kind: 'gone', state: gone };
    const state = await readPipeline(run, sha);
    nonesInARow = state === 'none' ? nonesInARow + 1 : 0;
    if (FINISHED.has(state) || nonesInARow >= NONE_READS) return { kind: 'finished' };
    const delay = polls < FINE_POLLS ? pollIntervalMs : watchEvery(run, mergeGateExpiryMs);
    if (Date.now() + delay > deadline) return { kind: 'expired' };
    await sleep(delay);
  }
}

function deciders(decisions: readonly GateDecision[]): string {
  return decisions.map((decision) => `${decision.by.name} (${decision.by.source})`).join(' and ');
}

/** Approved: the draft becomes ready; merged too when the mapping says so and the pipeline passed. */
async function approved(run: TicketRun, open: Open, sha: string, decisions: readonly GateDecision[]): Promise<Ending> {
  run.setPhase('finishing', 'approved: marking the change ready');
  await author.markWorkReady(open.ref);
  // From here the change is the people's: nothing undoes it any more.
  run.traces = {};
  const by = `approved by ${deciders(decisions)}`;
  if (!run.mapping.mergeOnApprove || run.status.pipeline?.state !== 'success') return { outcome: 'ready', detail: `${by}; marked ready for review` };
  try {
    await author.mergeWork(open.ref, sha);
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { outcome: 'ready', detail: `${by}; marked ready, but merging failed (${failureReason(error)}): merge it by hand` };
  }
  return { outcome: 'merged', detail: `${by}; merged` };
}

function closedByPerson(run: TicketRun, state: 'closed' | 'merged'): Ending {
  // A person's choice: their change and branch are left as they are.
  run.traces = {};
  return { outcome: 'closed-by-person', detail: `the change was ${state} by a person` };
}

type GateStep = Ending | { kind: 'revision' };

/** The pipeline of `sha`, then the merge gate (the `decide` Update) with a reminder and an expiry, watching the change. */
async function gateOnce(run: TicketRun, gate: HumanGate, open: Open, sha: string): Promise<GateStep> {
  const { mapping, timing, inbox } = run;
  const expiry = formatDuration(timing.mergeGateExpiryMs);
  const pipeline = await waitForPipeline(run, open, sha);
  if (pipeline.kind === 'revision') return pipeline;
  if (pipeline.kind === 'gone') return closedByPerson(run, pipeline.state);
  if (pipeline.kind === 'expired') return { outcome: 'expired', detail: `the pipeline did not finish within ${expiry}` };

  const pipelineState = () => run.status.pipeline?.state ?? 'none';
  const passed = () => pipelineState() === 'success' || pipelineState() === 'none';
  let gone: 'closed' | 'merged' | undefined;
  // Two people approving: neither may be someone who worked on the change (re-read at each watch tick).
  const notContributors = await contributorGuard(mapping.approvals, open.ref, () => contributors.changeContributors(open.ref));
  run.setPhase('awaiting-merge-approval', `waiting for a person's decision on ${open.webUrl}`);
  const result = await gate.wait({
    gate: 'merge',
    expiryMs: timing.mergeGateExpiryMs,
    approvals: mapping.approvals,
    refuse: (decision) =>
      (decision.decision === 'approve' && !passed() ? `the pipeline ${pipelineState()}: an approval needs it to pass (re-run it, or reject)` : undefined) ?? notContributors?.refuse(decision, mapping.approvals),
    next: (decision) =>
      decision === 'reject' ? 'closing the change and deleting its branch' : mapping.mergeOnApprove && pipelineState() === 'success' ? 'marking the change ready and merging it' : 'marking the change ready for review',
    reminder: {
      afterMs: timing.mergeReminderMs,
      send: async () => void (await say(run, { kind: 'reminder', gate: 'merge', expiresAt: run.status.openGate?.expiresAt ?? '', workflowId: run.workflowId })),
    },
    watch: {
      everyMs: watchEvery(run, timing.mergeGateExpiryMs),
      check: async () => {
        gone = await changeGone(open.ref);
        // A failed pipeline may be re-run and pass: an approval is possible again then.
        if (!gone && !passed()) await readPipeline(run, sha);
        // Someone who approved and pushed since: their approval is withdrawn (the change is told).
        if (!gone) await notContributors?.recheck(gate);
        return gone !== undefined;
      },
    },
    interrupted: () => inbox.revision !== undefined,
  });
  switch (result.kind) {
    case 'approved':
      return approved(run, open, sha, result.decisions);
    case 'rejected':
      return { outcome: 'rejected', detail: `rejected by ${deciders([result.decision])}: ${result.decision.reason ?? ''}` };
    case 'expired':
      return { outcome: 'expired', detail: `no decision on the change within ${expiry}` };
    case 'interrupted':
      return gone ? closedByPerson(run, gone) : { kind: 'revision' };
  }
}

/**
 * After the implementation is on the change: its pipeline and the merge gate; a permitted person's `revise: …` on the
 * ticket, or `/claude revise …` on the change (answered in its thread after the step), meanwhile runs another implementation step on the same branch, within the same limits (at most
 * TICKET_LIMITS.revisions): committed when it passes its checks, else said on the ticket, the change left as it was.
 */
export async function mergeStage(run: TicketRun, gate: HumanGate, plan: ApprovedPlan, head: string): Promise<Ending> {
  const open = run.status.change;
  if (!open) throw new Error('the change is not open');
  const { inbox } = run;
  let sha = head;
  inbox.revisable = true;
  try {
    for (;;) {
      const step = await gateOnce(run, gate, open, sha);
      if ('outcome' in step) {
        // `/claude revise` notes the run ends before taking (a decision came first): told so in their threads.
        const left = inbox.revisionThreads.splice(0);
        if (left.length > 0) await answerRevisions(left, { kind: 'revision-not-pushed', reason: `the work on this change ended first (${step.outcome}: ${step.detail})` }, run.status);
        return step;
      }
      const request = inbox.revision ?? '';
      // The `/claude revise` notes this step takes (only Updates taken since FORGE_REVISE_PATCH put any here).
      const taken = inbox.revisionThreads.splice(0);
      inbox.revision = undefined;
      inbox.revisionsTaken += 1;
      const revised = await implement(run, plan, sha, { kind: 'revision', files: plan.files, request });
      if (revised.ok) {
        sha = await publishWork(run, plan, sha, revised.work);
        if (taken.length > 0) await answerRevisions(taken, { kind: 'revision-pushed', sha, changeUrl: open.webUrl }, run.status);
      } else {
        await say(run, { kind: 'not-pushed', reason: `${revised.reason}; the change stays as it was`, ...(revised.workClaim ? { workClaim: revised.workClaim } : {}) });
        if (taken.length > 0) await answerRevisions(taken, { kind: 'revision-not-pushed', reason: revised.reason }, run.status);
      }
    }
  } finally {
    inbox.revisable = false;
  }
}
