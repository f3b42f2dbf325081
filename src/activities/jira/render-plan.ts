import type { ImplementResult, PlanResult } from '../../domain/agent-task.js';
import { codeSpan, safeCode, safeFence, safeLine, safeText } from '../../domain/safe-markdown.js';
import { cutEnd, cutMiddle, linkTo, runOutcome, withoutBlankRuns } from '../sentry/render-parts.js';

// A ticket's plan and its implementation as forgebot shows them: on the Jira ticket (a comment) and as the draft
// change's description. forgebot's own words are written here; everything the planner or implementer wrote is model
// output and goes through safe-markdown (no link, image, mention, HTML or live command in what it renders to; code
// fences longer than any backtick run inside them).

/** How much of the plan is shown: everything (cut per item), less, or only its outline when the plan is huge. */
export type Detail = 'full' | 'compact' | 'outline';

const LIMITS: Record<Detail, { summary: number; item: number; why: number; items: number }> = {
  full: { summary: 3_000, item: 600, why: 300, items: 100 },
  compact: { summary: 1_000, item: 200, why: 0, items: 50 },
  outline: { summary: 500, item: 0, why: 0, items: 50 },
};

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const more = (total: number, shown: number) => (total > shown ? [`- … and ${total - shown} more`] : []);

/** The plan itself: summary, steps, files, tests, risks, estimated size. */
function planLines(plan: PlanResult, detail: Detail): string[] {
  const limit = LIMITS[detail];
  const lines = ['**Summary**', '', safeText(cutEnd(plan.summary, limit.summary))];
  if (limit.item > 0 && plan.steps.length > 0) {
    lines.push('', '**Steps**', '', ...plan.steps.map((step, index) => `${index + 1}. ${safeLine(cutEnd(step, limit.item))}`));
  } else if (plan.steps.length > 0) {
    lines.push('', `**Steps:** ${plan.steps.length} (too long to show here).`);
  }
  if (plan.files.length > 0) {
    lines.push('', '**Files** (the implementation may change only these):', '');
    for (const file of plan.files.slice(0, limit.items)) {
      const why = limit.why > 0 && file.why.trim() !== '' ? `: ${safeLine(cutEnd(file.why, limit.why))}` : '';
      lines.push(`- ${safeCode(cutEnd(file.path, 300))} (${file.change})${why}`);
    }
    lines.push(...more(plan.files.length, limit.items));
  }
  if (plan.tests.length > 0) {
    lines.push('', '**Tests**', '');
    for (const test of plan.tests.slice(0, limit.items)) lines.push(`- ${safeCode(cutEnd(test.path, 300))}${limit.item > 0 && test.what.trim() !== '' ? `: ${safeLine(cutEnd(test.what, limit.item))}` : ''}`);
    lines.push(...more(plan.tests.length, limit.items));
  }
  if (plan.risks.length > 0 && limit.item > 0) lines.push('', '**Risks**', '', ...plan.risks.map((risk) => `- ${safeLine(cutEnd(risk, limit.item))}`));
  lines.push('', `**Estimated size:** ${count(plan.size.files, 'file')}, about ${count(plan.size.lines, 'line')}.`);
  if (plan.truncated || plan.stoppedBy) lines.push('', `_The planner stopped early${plan.stoppedBy ? ` (${plan.stoppedBy})` : ''}: the plan may be incomplete._`);
  return lines;
}

/** Where the plan is shown: how a person approves it or asks for another, from there. */
export interface PlanGate {
  version: number;
  workflowId: string;
  /** The command trigger on the forge (`/claude`). */
  trigger: string;
  /** The Jira project permission an `approve` comment needs; undefined: not known here. */
  approvePermission?: string;
  changeUrl?: string;
}

function gateLines(gate: PlanGate, on: 'jira' | 'change'): string[] {
  const permission = gate.approvePermission ? ` by someone with the Jira permission ${codeSpan(gate.approvePermission)} on the project` : ' by someone who may approve there';
  const onTicket = `a comment ${on === 'jira' ? 'on this ticket' : 'on the Jira ticket'} that says ${codeSpan('approve')} on a line of its own,${permission};`;
  const onChange = on === 'change' ? `${codeSpan(`${gate.trigger} approve`)} in a comment on this change;` : gate.changeUrl ? `${codeSpan(`${gate.trigger} approve`)} in a comment on ${linkTo('the change', gate.changeUrl)};` : undefined;
  return [
    `**To approve plan version ${gate.version}**, one of:`,
    '',
    `- ${onTicket}`,
    ...(onChange ? [`- ${onChange}`] : []),
    `- an operator: ${codeSpan(`forgebot approve ${gate.workflowId}`)}.`,
    '',
    `**To ask for another plan:** a comment on the ticket starting with ${codeSpan('revise:')} and what to change${on === 'change' || gate.changeUrl ? `, or ${codeSpan(`${gate.trigger} reject <reason>`)} on the change` : ''}.`,
    '',
    '_Nothing is implemented before a person approves a plan; an approval counts for the latest version only._',
  ];
}

/** How a person approves the implementation (the merge gate) from the change. */
function mergeLines(gate: PlanGate): string[] {
  return [`**To approve this change:** ${codeSpan(`${gate.trigger} approve`)} in a comment here, or an operator: ${codeSpan(`forgebot approve ${gate.workflowId}`)}.`];
}

/** The implementer's account: its summary (fenced), the files it changed, the commands it ran and how they ended. */
export function implementationLines(work: ImplementResult, detail: Detail = 'full'): string[] {
  const shownPaths = detail === 'full' ? 50 : 20;
  const paths = work.patch.files.slice(0, shownPaths).map((file) => `- ${safeCode(cutEnd(file.path, 300))} (${file.action})`);
  const lines = [
    '**What the implementer says it did** (its own words, unverified):',
    '',
    safeFence(cutEnd(work.summary, detail === 'full' ? 3_000 : 500)),
    '',
    `**Files changed:** ${count(work.patch.filesChanged, 'file')}, +${work.patch.linesAdded} −${work.patch.linesDeleted} lines.`,
    '',
    ...paths,
    ...more(work.patch.files.length, shownPaths),
    '',
  ];
  if (work.commands.length === 0) return [...lines, '**Commands run in the sandbox:** none.'];
  lines.push('**Commands run in the sandbox** (by forgebot’s runner, results as it saw them):', '');
  // The output of the first few failures only: what a person needs to see why, within a comment's size.
  let outputs = detail === 'full' ? 3 : 0;
  for (const run of work.commands.slice(0, 20)) {
    lines.push(`- ${safeCode(run.name)} (${safeCode(cutEnd(run.command, 200))}) ${runOutcome(run)} in ${(run.durationMs / 1000).toFixed(1)} s.`);
    if (run.exitCode !== 0 && run.output.trim() !== '' && outputs > 0) {
      outputs -= 1;
      lines.push('', safeFence(cutMiddle(run.output.trimEnd(), 1_500)), '');
    }
  }
  lines.push(...more(work.commands.length, 20));
  if (work.truncated || work.stoppedBy) lines.push('', `_The implementer stopped early${work.stoppedBy ? ` (${work.stoppedBy})` : ''}._`);
  return lines;
}

/** Renders at the most detail that fits `maxChars`. */
export function fitting(render: (detail: Detail) => string[], maxChars: number): string {
  for (const detail of ['full', 'compact'] as const) {
    const text = withoutBlankRuns(render(detail)).join('\n');
    if (text.length <= maxChars) return text;
  }
  return withoutBlankRuns(render('outline')).join('\n');
}

/** GitHub's limit on a pull request's body is 65,536 characters; GitLab's is far above it. */
export const MAX_CHANGE_DESCRIPTION_CHARS = 60_000;
/** Jira Cloud refuses a comment over 32,767 characters. */
export const MAX_JIRA_COMMENT_CHARS = 30_000;

/** The plan as a Jira comment: what it is, the plan, and how to approve it or ask for another. */
export function renderPlanNote(plan: PlanResult, gate: PlanGate, maxChars = MAX_JIRA_COMMENT_CHARS): string {
  return fitting(
    (detail) => [
      `**forgebot’s plan for this ticket, version ${gate.version}** (written by its planner after reading the repository; unverified):`,
      ...(gate.changeUrl ? ['', `It will be implemented on ${linkTo('this draft change', gate.changeUrl)}.`] : []),
      '',
      ...planLines(plan, detail),
      '',
      ...gateLines(gate, 'jira'),
    ],
    maxChars,
  );
}

/** The draft change's description: the ticket, the plan, how to approve it, and the implementation once there is one. */
export function renderPlanDescription(input: { key: string; ticketUrl?: string; plan: PlanResult; gate: PlanGate; work?: ImplementResult }, maxChars = MAX_CHANGE_DESCRIPTION_CHARS): string {
  const ticket = input.ticketUrl ? linkTo(input.key, input.ticketUrl) : codeSpan(input.key);
  return fitting(
    (detail) => [
      `forgebot’s change for the Jira ticket ${ticket}: plan version ${input.gate.version}.`,
      '',
      ...planLines(input.plan, detail),
      '',
      ...(input.work ? [...implementationLines(input.work, detail), '', ...mergeLines(input.gate), ''] : [...gateLines(input.gate, 'change'), '']),
      '_Opened by forgebot as a draft: nothing merges without a person._',
    ],
    maxChars,
  );
}
