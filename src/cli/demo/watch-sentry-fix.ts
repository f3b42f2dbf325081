import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sentryFixStatusQuery, type SentryFixStatus } from '../../workflows/sentry-fix-definitions.js';

/**
 * One line for the terminal: control characters of untrusted text (escape sequences, line breaks) become spaces, and
 * invisible ones (zero-width, bidirectional overrides) and Markdown bold markers go.
 */
export function terminalLine(text: string, max = 240): string {
  const line = text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g, '')
    .replace(/\*\*/g, '')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * What a person watching the fix wants to know, each fact once, in the order the workflow gets there: the checks,
 * the analysis, the fix and its proof, the draft MR, its pipeline, the gate, the end. Each is a stable line, so
 * that a watcher prints only those it has not printed yet.
 */
export function progressLines(status: SentryFixStatus): string[] {
  const lines = status.gates.map((gate) => `check ${gate.gate}: ${gate.passed ? 'passed' : 'STOPPED the attempt'} (${gate.detail})`);
  const { analysis, fix, change, pipeline, openGate } = status;
  if (analysis) lines.push(`analysis: ${analysis.fixable ? 'fixable' : 'not fixable'}, confidence ${analysis.confidence} (${analysis.reason})`);
  if (fix) lines.push(`fix: ${fix.filesChanged} file(s), ${fix.linesChanged} line(s) changed; proof: ${fix.verdict ?? 'not run'}${fix.verdictReason ? ` (${fix.verdictReason})` : ''}`);
  if (change) lines.push(`draft MR opened: ${change.webUrl} (branch ${change.branch})`);
  if (pipeline) lines.push(`pipeline: ${pipeline.state === 'none' ? 'none (the fake GitLab runs no CI: counts as passed)' : pipeline.state}`);
  if (openGate) lines.push(`waiting for a person's decision at the ${openGate.gate} gate (until ${openGate.expiresAt})`);
  if (status.outcome) lines.push(`ended: ${status.outcome} (${status.outcomeDetail ?? ''})`);
  return lines.map((line) => terminalLine(line));
}

export interface WatchOptions {
  /** The status that ends the watch (the workflow's end always does). */
  until: (status: SentryFixStatus) => boolean;
  timeoutMs: number;
  onProgress: (line: string) => void;
  intervalMs?: number;
  signal?: AbortSignal;
  /** The lines reported already (by an earlier watch of the same workflow): not reported again. */
  printed?: Set<string>;
}

/**
 * Queries the workflow's status until `until` says so or the workflow ends, reporting each new progress line; the
 * workflow not started yet (the webhook's handover may still be on its way) is waited for too. Throws at the timeout.
 */
export async function watchSentryFix(client: Client, workflowId: string, options: WatchOptions): Promise<SentryFixStatus> {
  const deadline = Date.now() + options.timeoutMs;
  const printed = options.printed ?? new Set<string>();
  for (;;) {
    options.signal?.throwIfAborted();
    const status = await client.workflow.getHandle(workflowId).query(sentryFixStatusQuery).catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
    for (const line of status ? progressLines(status) : []) {
      if (printed.has(line)) continue;
      printed.add(line);
      options.onProgress(line);
    }
    if (status && (status.outcome !== undefined || options.until(status))) return status;
    if (Date.now() > deadline) throw new Error(`${workflowId} did not get there within ${options.timeoutMs} ms (phase: ${status?.phase ?? 'not started'})`);
    await sleep(options.intervalMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
  }
}
