import { CancellationScope, condition, isCancellation, log, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { SentryIssueSettled, SentryTrigger } from '../domain/sentry/issue.js';
import { searchAttributes } from './definitions.js';
import { failureReason } from './failure-reason.js';
import {
  cancelSentryFixSignal,
  sentryFixStatusQuery,
  sentryIssueSettledSignal,
  sentryTriggerSignal,
  type SentryFixInput,
  type SentryFixPhase,
  type SentryFixStatus,
} from './sentry-fix-definitions.js';
import { CancellableStep } from './shared/cancellable-step.js';
import { HumanGate } from './shared/human-gate.js';
import { createPhaseTracker } from './shared/phase-tracker.js';
import { sentry, sentrySettings } from './sentry-fix/activities.js';
import { analyse, fix } from './sentry-fix/agents.js';
import { undoTraces, withLeftBehind } from './sentry-fix/compensation.js';
import { passGates } from './sentry-fix/gates.js';
import { mergeGate } from './sentry-fix/merge-gate.js';
import { publishFix } from './sentry-fix/publish.js';
import { reportSafely } from './sentry-fix/report.js';
import { gated, isEnding, recordGate, type Ending, type FixRun } from './sentry-fix/run.js';

type Stop = { outcome: 'settled' | 'cancelled'; detail: string };

/** The attempt from its settings to its end: gates, analysis, fix, then (unless dry) the draft change and its gate. */
async function attempt(run: Omit<FixRun, 'settings' | 'mapping' | 'repo'>, gate: HumanGate, started: (run: FixRun) => void): Promise<Ending> {
  const { input, trigger, status } = run;
  const settings = await sentrySettings.readSentryFixSettings(input.subject.org, trigger.issue.projectSlug);
  const mapping = settings.mapping;
  if (!mapping) return gated(run, 'mapping', `the Sentry project ${trigger.issue.projectSlug} is not mapped to a repository (SENTRY_PROJECTS)`);
  status.dryRun = settings.globalDryRun || mapping.dryRun;
  recordGate(run, 'mapping', true, `${mapping.forge} ${mapping.projectPath} at ${mapping.defaultBranch}${status.dryRun ? ' (dry run)' : ''}`);
  upsertSearchAttributes([
    { key: searchAttributes.forge, value: mapping.forge },
    { key: searchAttributes.repository, value: mapping.projectPath },
  ]);
  const full: FixRun = { ...run, settings, mapping, repo: { forge: mapping.forge, projectId: mapping.projectId, projectPath: mapping.projectPath } };
  started(full);

  const passed = await passGates(full);
  if (isEnding(passed)) return passed;
  const analysis = await analyse(full, passed);
  if (isEnding(analysis)) return analysis;
  const work = await fix(full, passed, analysis);
  if (isEnding(work)) return work;
  if (status.dryRun) {
    return { outcome: 'dry-run', detail: 'dry run: the analysis and the proven patch are on the Sentry issue; no branch, no change', report: { kind: 'dry-run', analysisClaim: analysis.claim, workClaim: work.claim } };
  }
  const published = await publishFix(full, passed, analysis, work);
  return mergeGate(full, gate, published);
}

/**
 * One workflow per Sentry issue (`sentry-fix:<org>:<issue id>`): gates before any model call, an analysis, a fix
 * proven by a test that fails before and passes after, a draft change, and a person's decision at the merge gate.
 * A settled issue or an operator's cancel stops it at any point and undoes what it left (branch, change); so does a
 * failure. Every end is said on the Sentry issue.
 */
export async function sentryFixWorkflow(input: SentryFixInput): Promise<SentryFixStatus> {
  const status: SentryFixStatus = { subject: input.subject, phase: 'gating', dryRun: false, gates: [], decisions: [], triggers: 0 };
  if (input.earlierAttempt) status.earlierAttempt = { webUrl: input.earlierAttempt.webUrl };
  let trigger: SentryTrigger | undefined;
  let stop: Stop | undefined;
  let ended = false;
  const step = new CancellableStep();
  const setPhase = createPhaseTracker<SentryFixPhase>(status, []);
  const gate = new HumanGate(status, () => (status.outcome ? `the attempt ended (${status.outcome})` : `the workflow is ${status.phase}`));

  const requestStop = (next: Stop) => {
    if (stop || ended) return;
    stop = next;
    step.cancel();
  };
  setHandler(sentryFixStatusQuery, () => status);
  setHandler(sentryTriggerSignal, (next) => {
    // Later triggers (more events, a regression meanwhile) are counted: this attempt is already under way.
    status.triggers += 1;
    if (trigger) return;
    trigger = next;
    status.issue = next.issue;
  });
  // A webhook's word that the issue was settled is checked with Sentry's API before anything stops (a replayed
  // delivery must not end a fix): see confirmSettled below.
  const settles: SentryIssueSettled[] = [];
  setHandler(sentryIssueSettledSignal, (settled) => {
    if (!stop && !ended) settles.push(settled);
  });
  setHandler(cancelSentryFixSignal, (cancel) => requestStop({ outcome: 'cancelled', detail: `cancelled by ${cancel.by}${cancel.reason ? `: ${cancel.reason}` : ''}` }));

  const end = (ending: Ending) => {
    ended = true;
    status.outcome = ending.outcome;
    status.outcomeDetail = ending.detail;
  };

  void confirmSettled(input, settles, status, () => ended || stop !== undefined, requestStop);

  setPhase('gating', 'waiting for the trigger');
  await condition(() => trigger !== undefined || stop !== undefined);
  const begun = trigger;
  if (!begun || stop) {
    end(stop ?? { outcome: 'cancelled', detail: 'stopped before it began' });
  } else {
    let run: FixRun | undefined;
    const base = { input, status, trigger: begun, setPhase, traces: {} };
    let ending: Ending;
    try {
      ending = await step.run(() => attempt(base, gate, (full) => (run = full)));
    } catch (error) {
      ending = await CancellationScope.nonCancellable(() => afterError(error, status, run, stop));
    }
    end(ending);
    const report = ending.report;
    if (report) await CancellationScope.nonCancellable(() => reportSafely(base, report));
  }
  setPhase('done', `${status.outcome}: ${status.outcomeDetail ?? ''}`);
  return status;
}

/** Sentry's own answer to "is this issue settled?": resolved, ignored (archived) count; anything else does not. */
const SETTLED = new Set(['resolved', 'ignored', 'archived', 'resolvedInNextRelease']);

/**
 * Takes each settled signal in turn, asks Sentry's API for the issue's status, and stops the attempt only when Sentry
 * confirms it; an unconfirmed one is counted in the status (`settlesIgnored`) and changes nothing.
 */
async function confirmSettled(input: SentryFixInput, settles: SentryIssueSettled[], status: SentryFixStatus, over: () => boolean, requestStop: (stop: Stop) => void): Promise<void> {
  for (;;) {
    await condition(() => settles.length > 0 || over());
    const settled = settles.shift();
    if (!settled || over()) return;
    const now = await CancellationScope.nonCancellable(() => sentry.readSentryIssueStatus(input.subject.org, input.subject.issueId)).catch((error: unknown) => {
      // Sentry could not be asked (after the activity's retries): the signal's word is taken, as a person's act.
      log.warn('could not confirm a settled Sentry issue; taking the webhook\'s word', { reason: failureReason(error) });
      return { status: settled.status };
    });
    if (SETTLED.has(now.status)) {
      requestStop({ outcome: 'settled', detail: `the issue was ${settled.status} in Sentry${settled.by ? ` by ${settled.by}` : ''}` });
      return;
    }
    status.settlesIgnored = (status.settlesIgnored ?? 0) + 1;
    log.info('a settled signal Sentry does not confirm was ignored', { claimed: settled.status, status: now.status });
  }
}

/** A stopped or failed attempt: undo what it left outside, and say what happened (and what is left, if anything). */
async function afterError(error: unknown, status: SentryFixStatus, run: FixRun | undefined, stop: Stop | undefined): Promise<Ending> {
  const undone = run ? await undoTraces(run) : {};
  if (isCancellation(error) && stop) {
    const detail = withLeftBehind(stop.detail, undone);
    log.info('sentry fix stopped', { outcome: stop.outcome, detail });
    return { outcome: stop.outcome, detail, report: { kind: 'finished', outcome: stop.outcome, detail } };
  }
  const reason = failureReason(error);
  status.lastError = reason;
  log.warn('sentry fix failed', { reason, ...undone });
  return { outcome: 'failed', detail: withLeftBehind(reason, undone), report: { kind: 'failed', detail: reason, ...undone } };
}
