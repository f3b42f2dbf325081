import type { AccessLevel } from '../../domain/access-level.js';
import type { ChangeRef } from '../../domain/change-ref.js';
import { redactSecrets } from '../../domain/redact.js';
import { codeSpan, safeCode, safeLine } from '../../domain/safe-markdown.js';
import type { GateOutcome } from '../../workflows/sentry-fix-definitions.js';
import { accessLabel, atLeast } from './command-access.js';
import { renderHelp } from './command-help.js';
import { renderLearnAnswer } from './learn-answer.js';
import type { LearnOutcome } from './learn-from-command.js';

/** What `forwardDecision` found: the owning workflow took the decision, refused it (its validator's reason), or none owns the change. */
export type DecisionForwarded =
  /** `planVersion`: the plan a plan gate's decision was for (the audit trail records it). */
  | { kind: 'taken'; workflowId: string; outcome: GateOutcome; planVersion?: number }
  | { kind: 'refused'; workflowId: string; reason: string }
  | { kind: 'no-owner' };

/**
 * What `forwardRevision` found: the ticket workflow that owns the change took the revision (how many wait for its next
 * step), refused it (its validator's reason), the owner takes no revisions (a Sentry fix), or no workflow owns it.
 */
export type RevisionForwarded =
  | { kind: 'taken'; workflowId: string; waiting: number; revisionsLeft: number }
  | { kind: 'refused'; workflowId: string; reason: string }
  | { kind: 'not-revisable'; workflowId: string }
  | { kind: 'no-owner' };

/** How a review asked for by a command ended. */
export type ReviewNowOutcome =
  | { kind: 'reviewed'; sha: string; findings: number; incrementalFrom?: string }
  /** The change moved on while it was reviewed: the newer head is reviewed next. */
  | { kind: 'superseded'; sha: string }
  | { kind: 'cancelled'; sha: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'closed'; state: 'closed' | 'merged' }
  /** `skipLabel`: the change has one of `pipeline.skip_labels` (absent: `reviewer.enabled: false`). */
  | { kind: 'reviews-off'; sha: string; skipLabel?: string };

/**
 * What the review workflow answers a command with. The workflow says what happened; the activity words it (with the
 * trigger and the forge's own names for access levels) and makes every part that came from outside inert.
 */
export type CommandAnswer =
  | { kind: 'refused'; needed: AccessLevel; level: AccessLevel }
  /** Something forgebot needed could not be done (the access check, forwarding a decision): the command did not run. */
  | { kind: 'failed'; doing: 'checking your access' | 'forwarding the decision' | 'forwarding the revision' | 'recording the learning'; reason: string }
  | { kind: 'help'; unknownVerb?: string }
  /** Histories from before the answerer: explain and suggest were not available. */
  | { kind: 'not-available'; verb: 'explain' | 'suggest' }
  /** The command does not say what to answer (e.g. explain with no lines): how to ask. */
  | { kind: 'unclear'; verb: 'explain' | 'suggest' | 'revise'; reason: string }
  /** A review is running on the agent queue (one job at a time): the answer follows it. */
  | { kind: 'answer-waits'; sha: string }
  /** The answerer failed (after retries) or stopped before it answered. */
  | { kind: 'answer-failed'; reason: string }
  | { kind: 'paused'; already: boolean }
  /** `reviewing`: the newest revision, remembered while paused, is reviewed now. */
  | { kind: 'resumed'; already: boolean; reviewing?: string }
  /**
   * `what`: reviews on request (absent in older histories) or answers (explain, suggest, replies). `acrossChanges`:
   * the person's budget across every change of the forge (Redis), not this change's own count.
   */
  | { kind: 'rate-limited'; scope: 'person' | 'change'; limit: number; windowMinutes: number; retryInMinutes: number; what?: 'reviews' | 'answers'; acrossChanges?: true }
  | { kind: 'review-running'; sha: string }
  | { kind: 'review-done'; full: boolean; outcome: ReviewNowOutcome }
  | { kind: 'decision'; result: DecisionForwarded }
  /** `/claude revise`: forwarded to the workflow that owns the change (or not). */
  | { kind: 'revision'; result: RevisionForwarded }
  /** The owning ticket workflow, after the revision's implementation step: the commit pushed, or why none was. */
  | { kind: 'revision-pushed'; sha: string; changeUrl?: string }
  | { kind: 'revision-not-pushed'; reason: string }
  /** `/claude learn …`: what it did to the repository's learnings (review memory). */
  | { kind: 'learning'; outcome: LearnOutcome };

export interface AnswerContext {
  ref: ChangeRef;
  /** COMMAND_TRIGGER, e.g. `/claude`. */
  trigger: string;
  approveAccess: AccessLevel;
  /** The verb answered (names it in a refusal). */
  verb: string;
}

const short = (sha: string) => codeSpan(sha.slice(0, 12));
/** Text from outside forgebot (a validator's reason may hold a person's name; errors may hold anything). */
const untrusted = (text: string) => safeLine(redactSecrets(text).slice(0, 1_000));

function reviewDone(full: boolean, outcome: ReviewNowOutcome, change: string): string {
  switch (outcome.kind) {
    case 'reviewed': {
      const scope = outcome.incrementalFrom ? `the commits after ${short(outcome.incrementalFrom)}` : full ? `the whole ${change} again` : `the whole ${change}`;
      const found = outcome.findings === 0 ? 'no findings' : `${outcome.findings} finding${outcome.findings === 1 ? '' : 's'}`;
      return `Reviewed ${short(outcome.sha)} (${scope}): ${found}. The summary note has the details.`;
    }
    case 'superseded':
      return `The ${change} moved on while ${short(outcome.sha)} was reviewed: its newest head is reviewed next.`;
    case 'cancelled':
      return `The review of ${short(outcome.sha)} was stopped (a newer push or an operator); a newer push is reviewed as usual.`;
    case 'failed':
      return `The review failed: ${untrusted(outcome.reason)}`;
    case 'closed':
      return `Not reviewed: the ${change} is ${outcome.state}.`;
    case 'reviews-off':
      if (outcome.skipLabel !== undefined) return `Not reviewed: the ${change} has the label ${safeCode(outcome.skipLabel)}; remove it to get a review.`;
      return `Not reviewed: reviews are turned off for this repository (\`reviewer.enabled: false\` in \`.forgebot.yml\` on the target branch).`;
  }
}

function decision(result: DecisionForwarded, change: string, context: AnswerContext): string {
  switch (result.kind) {
    case 'taken': {
      const verb = result.outcome.decision === 'approve' ? 'Approved' : 'Rejected';
      return `${verb} at the ${result.outcome.gate} gate of ${codeSpan(result.workflowId)}: ${untrusted(result.outcome.next)}.`;
    }
    case 'refused':
      return `Not taken by ${codeSpan(result.workflowId)}: ${untrusted(result.reason)}.`;
    case 'no-owner':
      return `No forgebot workflow waits for a decision on this ${change}: ${codeSpan(`${context.trigger} approve`)} and ${codeSpan(`${context.trigger} reject`)} decide the gates of a ${change} forgebot opened (a Sentry fix).`;
  }
}

function revision(result: RevisionForwarded, change: string, context: AnswerContext): string {
  switch (result.kind) {
    case 'taken': {
      const others = result.waiting > 1 ? ` (with ${result.waiting - 1} other request${result.waiting === 2 ? '' : 's'} waiting for the same step)` : '';
      return `Revising${others}: a new commit will follow on this ${change}; I'll reply here. (${codeSpan(result.workflowId)})`;
    }
    case 'refused':
      return `Not revised by ${codeSpan(result.workflowId)}: ${untrusted(result.reason)}.`;
    case 'not-revisable':
      return `Nothing to revise: ${codeSpan(result.workflowId)} takes no revisions from comments; ${codeSpan(`${context.trigger} reject <reason>`)} closes its ${change}.`;
    case 'no-owner':
      return `Nothing to revise: forgebot did not write this ${change}. ${codeSpan(`${context.trigger} revise`)} asks for changes on a ${change} forgebot opened for a Jira ticket.`;
  }
}

/** The answer as forgebot's Markdown: nothing from outside in it is live (no mention, link, HTML or quick action). */
export function renderCommandAnswer(answer: CommandAnswer, context: AnswerContext): string {
  const { ref, trigger } = context;
  const change = ref.forge === 'gitlab' ? 'merge request' : 'pull request';
  const command = (verb: string) => codeSpan(`${trigger} ${verb}`);
  switch (answer.kind) {
    case 'refused':
      return `${command(context.verb)} needs ${atLeast(ref.forge, answer.needed)} on ${safeCode(ref.projectPath)}; you have ${accessLabel(ref.forge, answer.level)}. Nothing was done.`;
    case 'failed':
      return `forgebot could not run ${command(context.verb)}: ${answer.doing} failed (${untrusted(answer.reason)}). Nothing was done; try again in a while.`;
    case 'help':
      return renderHelp({ forge: ref.forge, trigger, approveAccess: context.approveAccess, ...(answer.unknownVerb !== undefined ? { unknownVerb: answer.unknownVerb } : {}) });
    case 'not-available':
      return `${command(answer.verb)} is not available yet: it needs forgebot's answering agent, which this version does not have. ${command('review')} reviews the ${change} now.`;
    case 'unclear':
      if (answer.verb === 'revise') return `${command('revise')}: ${untrusted(answer.reason)} Say what to change on the same line: ${codeSpan(`${trigger} revise rename the button to Download CSV`)}.`;
      return `${command(answer.verb)}: ${untrusted(answer.reason)} ${answer.verb === 'explain' ? `Write it on a line of the diff, or name the lines: ${codeSpan(`${trigger} explain src/app.ts:10-20`)}.` : `Write it on the lines to change, or name them: ${codeSpan(`${trigger} suggest src/app.ts:10-20 use a Map here`)}.`}`;
    case 'answer-waits':
      return `forgebot is reviewing ${short(answer.sha)} right now; your answer comes when that review ends (forgebot's agent runs one job at a time).`;
    case 'answer-failed':
      return `forgebot could not answer: ${untrusted(answer.reason)} Try again in a while.`;
    case 'paused':
      return answer.already
        ? `Automatic reviews of this ${change} were already paused. ${command('resume')} turns them back on.`
        : `Automatic reviews of this ${change} are paused: new pushes are remembered, not reviewed. ${command('resume')} turns them back on (and reviews the newest push); ${command('review')} still reviews on request.`;
    case 'resumed': {
      const then = answer.reviewing ? ` The newest push, ${short(answer.reviewing)}, is reviewed now.` : '';
      return answer.already ? `Automatic reviews of this ${change} were not paused.` : `Automatic reviews of this ${change} are on again.${then}`;
    }
    case 'rate-limited': {
      const who = answer.scope === 'person' ? 'you asked for' : `this ${change} had`;
      const where = answer.acrossChanges ? ` across all ${change}s` : '';
      const again = `Try again in about ${answer.retryInMinutes} minute${answer.retryInMinutes === 1 ? '' : 's'}`;
      if (answer.what === 'answers') return `Not answered: ${who} ${answer.limit} answers (explain, suggest, replies to findings)${where} in the last ${answer.windowMinutes} minutes, the most forgebot gives. ${again}.`;
      return `Not reviewed: ${who} ${answer.limit} reviews on request${where} in the last ${answer.windowMinutes} minutes, the most forgebot runs. ${again}; pushes are still reviewed as usual.`;
    }
    case 'review-running':
      return `A review of ${short(answer.sha)} is running now; its findings are posted when it ends. ${command('review full')} afterwards reviews the whole ${change} again.`;
    case 'review-done':
      return reviewDone(answer.full, answer.outcome, change);
    case 'decision':
      return decision(answer.result, change, context);
    case 'revision':
      return revision(answer.result, change, context);
    case 'revision-pushed':
      return `Revised: commit ${short(answer.sha.replace(/[^0-9a-f]/gi, ''))} is on this ${change}'s branch. Its pipeline and the merge gate follow.`;
    case 'revision-not-pushed':
      return `Not revised: ${untrusted(answer.reason)}. Nothing was pushed; the ${change} stays as it was.`;
    case 'learning':
      return renderLearnAnswer(answer.outcome, context);
  }
}
