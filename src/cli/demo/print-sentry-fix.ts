import type { SentryFixStatus } from '../../workflows/sentry-fix-definitions.js';
import { terminalLine } from './watch-sentry-fix.js';

export interface DemoFix {
  status: SentryFixStatus;
  /** The MR as the fake GitLab holds it. */
  mergeRequest?: { title: string; draft: boolean; description: string };
  /** forgebot's comments on the Sentry issue, oldest first. */
  sentryComments: string[];
}

/** The draft fix MR as a person reads it in the terminal: where it is, what proves it, how to decide on it. */
export function formatSentryFix(fix: DemoFix, links: { webUi: string; workflowId: string; sentryIssueUrl: string }): string {
  const { status, mergeRequest } = fix;
  const change = status.change;
  const shortId = status.issue?.shortId ?? '?';
  const linked = fix.sentryComments.find((comment) => change !== undefined && comment.includes(change.webUrl));
  const fixes = mergeRequest?.description.split('\n').find((line) => line.startsWith('Fixes SENTRY-'));
  const lines = [
    '',
    `━━━ forgebot opened a fix MR for Sentry issue ${terminalLine(shortId)} ━━━`,
    '',
    `Fix MR: ${change?.webUrl ?? '(none)'}${mergeRequest?.draft ? ' (draft)' : ''}`,
    `  title:  ${terminalLine(mergeRequest?.title ?? '?')}`,
    `  branch: ${terminalLine(change?.branch ?? '?')}${fixes ? ` · ${terminalLine(fixes)}` : ''}`,
    `  proof:  ${terminalLine(`${status.fix?.verdict ?? 'not run'}${status.fix?.verdictReason ? `: ${status.fix.verdictReason}` : ''}`, 400)}`,
    `Sentry issue: ${links.sentryIssueUrl}`,
    `  forgebot's comment there: ${linked ? terminalLine(linked.split('\n')[0] ?? '', 300) : '(none yet)'}`,
    '',
    `Approve it (while forgebot dev runs): ./forgebot approve ${links.workflowId}`,
    `  or reject it:                      ./forgebot reject ${links.workflowId} --reason "…"`,
    `Workflow: ${links.webUi}/namespaces/default/workflows/${encodeURIComponent(links.workflowId)}`,
    '',
  ];
  return lines.join('\n');
}
