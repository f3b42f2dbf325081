import { isCancellation, log, sleep, workflowInfo } from '@temporalio/workflow';
import type { PublishedWork } from '../../activities/author-activities.js';
import type { PipelineState } from '../../activities/forge.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { failureReason } from '../failure-reason.js';
import { contributorGuard } from '../shared/contributor-guard.js';
import type { HumanGate } from '../shared/human-gate.js';
import type { GateDecision } from '../sentry-fix-definitions.js';
import { author, contributors, forge, repository } from './activities.js';
import { undoTraces, withLeftBehind } from './compensation.js';
import { type Ending, type FixRun } from './run.js';

const FINISHED: ReadonlySet<PipelineState> = new Set(['success', 'failed', 'canceled']);
/**
 * `none` (no pipeline, no checks) counts as passed only when this many reads in a row, a poll interval apart, say so:
 * forges create a pipeline a little after the commit (GitLab once the push is processed, GitHub once its apps see the
 * commit), so the first read right after publishing often says `none` for a repository that has CI.
 */
const NONE_READS = 2;
/**
 * History stays bounded over a wait of days (each poll writes ~15 events; a history past 50k is terminated): each wait
 * polls at most about this many times at its coarse interval, and the pipeline wait its first FINE_POLLS at the
 * configured one (pipelines are quick; people and stuck pipelines are not).
 */
const MAX_POLLS = 600;
const FINE_POLLS = 200;

function coarsePollMs(run: FixRun): number {
  return Math.max(run.settings.pollIntervalMs, Math.ceil(run.settings.gateExpiryMs / MAX_POLLS));
}

export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1_000]];
  for (const [name, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/** The change is closed or merged (by a person: forgebot does neither before a decision), or undefined. */
async function changeGone(ref: ChangeRef): Promise<'closed' | 'merged' | undefined> {
  const state = await forge.readChangeState(ref);
  return state === 'closed' || state === 'merged' ? state : undefined;
}

async function readPipeline(run: FixRun, sha: string): Promise<PipelineState> {
  const pipeline = await repository.readPipeline(run.repo, sha);
  run.status.pipeline = { state: pipeline.state, ...(pipeline.webUrl ? { webUrl: pipeline.webUrl } : {}) };
  return pipeline.state;
}

type PipelineWait = { kind: 'finished' } | { kind: 'gone'; state: 'closed' | 'merged' } | { kind: 'expired' };

/** Polls the change and its pipeline (durable timers) until the pipeline finishes, the change goes, or time runs out. */
async function waitForPipeline(run: FixRun, published: PublishedWork): Promise<PipelineWait> {
  const { pollIntervalMs, gateExpiryMs } = run.settings;
  run.setPhase('pipeline', `waiting for the pipeline of ${published.commitSha.slice(0, 12)}`);
  const deadline = Date.now() + gateExpiryMs;
  let nonesInARow = 0;
  for (let polls = 1; ; polls++) {
    const gone = await changeGone(published.change.ref);
    if (gone) return { kind: 'gone', state: gone };
    const state = await readPipeline(run, published.commitSha);
    nonesInARow = state === 'none' ? nonesInARow + 1 : 0;
    if (FINISHED.has(state) || nonesInARow >= NONE_READS) return { kind: 'finished' };
    const delay = polls < FINE_POLLS ? pollIntervalMs : coarsePollMs(run);
    if (Date.now() + delay > deadline) return { kind: 'expired' };
    await sleep(delay);
  }
}

function deciders(decisions: readonly GateDecision[]): string {
  return decisions.map((decision) => `${decision.by.name} (${decision.by.source})`).join(' and ');
}

async function remind(run: FixRun, ref: ChangeRef): Promise<void> {
  const id = workflowInfo().workflowId;
  const expiresAt = run.status.openGate?.expiresAt ?? 'its expiry';
  const body = [
    `forgebot is waiting for a decision on this fix (\`${id}\`): approve with \`forgebot approve ${id}\`, or reject with \`forgebot reject ${id} --reason "…"\`.`,
    `Without a decision it is closed and its branch deleted at ${expiresAt}.`,
  ].join('\n\n');
  try {
    await repository.postChangeNote(ref, body);
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('could not post the reminder on the change', { reason: failureReason(error) });
  }
}

/** Approved: the draft becomes ready; merged too when the mapping says so and the pipeline passed. */
async function approved(run: FixRun, published: PublishedWork, decisions: readonly GateDecision[]): Promise<Ending> {
  const { ref, webUrl } = published.change;
  run.setPhase('finishing', 'approved: marking the change ready');
  await author.markWorkReady(ref);
  // From here the change is the people's: nothing undoes it any more.
  run.traces = {};
  const by = `approved by ${deciders(decisions)}`;
  if (!run.mapping.mergeOnApprove || run.status.pipeline?.state !== 'success') {
    return { outcome: 'ready', detail: `${by}; marked ready for review`, report: { kind: 'finished', outcome: 'ready', detail: `${by}; marked ready for review`, webUrl } };
  }
  try {
    await author.mergeWork(ref, published.commitSha);
  } catch (error) {
    if (isCancellation(error)) throw error;
    const detail = `${by}; marked ready, but merging failed (${failureReason(error)}): merge it by hand`;
    return { outcome: 'ready', detail, report: { kind: 'finished', outcome: 'ready', detail, webUrl } };
  }
  return { outcome: 'merged', detail: `${by}; merged`, report: { kind: 'finished', outcome: 'merged', detail: `${by}; merged`, webUrl } };
}

/** Closes the change and deletes the branch (rejected, expired), and says so. */
async function withdrawn(run: FixRun, outcome: 'rejected' | 'expired', why: string): Promise<Ending> {
  run.setPhase('finishing', `${outcome}: closing the change`);
  const webUrl = run.traces.change?.webUrl;
  const detail = withLeftBehind(`${why}; the change was closed and its branch deleted`, await undoTraces(run));
  return { outcome, detail, report: { kind: 'finished', outcome, detail, ...(webUrl ? { webUrl } : {}) } };
}

function closedByPerson(run: FixRun, state: 'closed' | 'merged', webUrl: string): Ending {
  // A person's choice: their change and branch are left as they are.
  run.traces = {};
  const detail = `the change was ${state} by a person`;
  return { outcome: 'closed-by-person', detail, report: { kind: 'finished', outcome: 'closed-by-person', detail, webUrl } };
}

/**
 * After the draft opened: its pipeline, then the merge gate (the `decide` Update), durably, with a reminder and an
 * expiry, watching the change meanwhile. An approval needs a passed pipeline (`success`, or `none` when there is no CI).
 */
export async function mergeGate(run: FixRun, gate: HumanGate, published: PublishedWork): Promise<Ending> {
  const { settings, mapping } = run;
  const { ref, webUrl } = published.change;
  const expiry = formatDuration(settings.gateExpiryMs);
  const pipeline = await waitForPipeline(run, published);
  if (pipeline.kind === 'gone') return closedByPerson(run, pipeline.state, webUrl);
  if (pipeline.kind === 'expired') return withdrawn(run, 'expired', `the pipeline did not finish within ${expiry}`);

  const pipelineState = () => run.status.pipeline?.state ?? 'none';
  const passed = () => pipelineState() === 'success' || pipelineState() === 'none';
  let gone: 'closed' | 'merged' | undefined;
  // Two people approving: neither may be someone who worked on the change (re-read at each watch tick).
  const notContributors = await contributorGuard(mapping.approvals, ref, () => contributors.changeContributors(ref));
  run.setPhase('awaiting-approval', `waiting for a person's decision on ${webUrl}`);
  const result = await gate.wait({
    gate: 'merge',
    expiryMs: settings.gateExpiryMs,
    approvals: mapping.approvals,
    refuse: (decision) =>
      (decision.decision === 'approve' && !passed() ? `the pipeline ${pipelineState()}: an approval needs it to pass (re-run it, or reject)` : undefined) ?? notContributors?.refuse(decision, mapping.approvals),
    next: (decision) =>
      decision === 'reject' ? 'closing the change and deleting its branch' : mapping.mergeOnApprove && pipelineState() === 'success' ? 'marking the change ready and merging it' : 'marking the change ready for review',
    reminder: { afterMs: settings.gateReminderMs, send: () => remind(run, ref) },
    watch: {
      everyMs: coarsePollMs(run),
      check: async () => {
        gone = await changeGone(ref);
        // A failed pipeline may be re-run and pass: an approval is possible again then.
        if (!gone && !passed()) await readPipeline(run, published.commitSha);
        // Someone who approved and pushed since: their approval is withdrawn (the change is told).
        if (!gone) await notContributors?.recheck(gate);
        return gone !== undefined;
      },
    },
  });
  switch (result.kind) {
    case 'approved':
      return approved(run, published, result.decisions);
    case 'rejected':
      return withdrawn(run, 'rejected', `rejected by ${deciders([result.decision])}: ${result.decision.reason ?? ''}`);
    case 'expired':
      return withdrawn(run, 'expired', `no decision within ${expiry}`);
    case 'interrupted':
      return closedByPerson(run, gone ?? 'closed', webUrl);
  }
}
