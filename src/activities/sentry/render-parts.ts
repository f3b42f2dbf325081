import type { AnalysisResult, FixVerification } from '../../domain/agent-task.js';
import type { CommandRun } from '../../domain/patch.js';
import { inertCode, ZWSP } from '../../domain/safe-markdown-inline.js';
import { safeCode, safeFence, safeLine, safeText } from '../../domain/safe-markdown.js';

// Pieces the Sentry comment and the fix change's description share. forgebot's own words are written here; model
// output, command output and Sentry text pass through safe-markdown (nothing in them renders live).

/** `text` with its middle cut when longer than `max` (the head says what ran, the tail how it ended). */
export function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n[… ${text.length - max} characters cut …]\n`;
  const half = Math.floor((max - note.length) / 2);
  return `${text.slice(0, half)}${note}${text.slice(text.length - half)}`;
}

/** Lines with no run of blank ones (each fenced block is one element, so its inside is untouched). */
export const withoutBlankRuns = (lines: readonly string[]) => lines.filter((line, index) => line !== '' || (index > 0 && lines[index - 1] !== ''));

/** The start of `text`, at most `max` characters, with an ellipsis when cut. */
export const cutEnd = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * A Markdown link forgebot makes to a URL it holds (a forge's change, a Sentry issue): only http(s), with the
 * characters that could end the link percent-encoded; anything else is shown as code, never linked.
 */
export function linkTo(label: string, url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
      const href = parsed.href.replace(/[()<> "'`\\]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
      return `[${safeLine(label)}](${href})`;
    }
  } catch {
    // Not a URL: shown as code below.
  }
  return `${safeLine(label)} (${safeCode(url)})`;
}

const STRIPPED = /[\u0000-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * A change title from untrusted words, readable as plain text (GitHub shows titles raw, GitLab renders them inline):
 * one line, no HTML or link syntax, no mention or cross-reference, at most `max` characters.
 */
export function safeTitle(raw: string, max = 200): string {
  const line = raw.replace(/\s+/g, ' ').replace(STRIPPED, '').trim();
  const inert = inertCode(cutEnd(line, max)).replace(/([#!$%^~&])(?=\d)/g, `$1${ZWSP}`);
  if (inert.length <= max) return inert;
  // The zero-width spaces made it longer: cut the raw words further until the safe title fits.
  return safeTitle(cutEnd(line, Math.max(Math.min(line.length, max) - (inert.length - max) - 1, 1)), max);
}

const percent = (confidence: number) => `${Math.round(confidence * 100)} %`;

/** The analyst's account: verdict and confidence, why, root cause, evidence, reproduction, proposed fix. */
export function analysisLines(analysis: AnalysisResult, options: { proposedFix?: boolean } = {}): string[] {
  const lines = [
    `**Verdict:** ${analysis.fixable ? 'fixable here' : 'not fixable here'}, confidence ${percent(analysis.confidence)}. ${safeLine(cutEnd(analysis.reason, 1_500))}`,
    '',
    '**Root cause** (the analyst’s words, unverified):',
    '',
    safeText(cutEnd(analysis.rootCause, 4_000)),
  ];
  if (analysis.evidence.length > 0) {
    lines.push('', '**Evidence:**');
    for (const item of analysis.evidence.slice(0, 10)) {
      const range = item.startLine === undefined ? '' : item.endLine !== undefined && item.endLine !== item.startLine ? ` lines ${item.startLine}–${item.endLine}` : ` line ${item.startLine}`;
      lines.push(`- ${safeCode(item.path)}${range}: ${safeLine(cutEnd(item.why, 400))}`);
    }
    if (analysis.evidence.length > 10) lines.push(`- … and ${analysis.evidence.length - 10} more`);
  }
  if (analysis.reproduction.trim() !== '') lines.push('', '**Reproduction:**', '', safeText(cutEnd(analysis.reproduction, 2_000)));
  if (options.proposedFix && analysis.proposedFix) lines.push('', '**Proposed fix:**', '', safeText(cutEnd(analysis.proposedFix, 2_000)));
  if (analysis.truncated || analysis.stoppedBy) lines.push('', `_The analysis stopped early${analysis.stoppedBy ? ` (${analysis.stoppedBy})` : ''}: it may be incomplete._`);
  return lines;
}

/** How a command run ended, in a few words. */
export function runOutcome(run: CommandRun): string {
  if (run.timedOut) return 'timed out';
  if (run.exitCode === 0) return 'passed';
  if (run.exitCode === null) return `was killed${run.signal ? ` by ${run.signal}` : ''}`;
  return `failed (exit ${run.exitCode})`;
}

const VERDICTS: Record<FixVerification['verdict'], string> = {
  proven: 'proven: the test failed without the fix and passes with it',
  'no-test': 'not proven: the fix names no test',
  'passed-before': 'not proven: the test already passed without the fix',
  'failed-after': 'not proven: the test still fails with the fix',
  'not-run': 'not proven: the test was not run',
};

function runLines(label: string, run: CommandRun | undefined, outputChars: number): string[] {
  if (!run) return [`- ${label}: not run.`];
  const output = run.output.trim() === '' ? '(no output)' : cutMiddle(run.output, outputChars);
  return [`- ${label}: ${safeCode(run.command)} ${runOutcome(run)} in ${(run.durationMs / 1000).toFixed(1)} s.`, '', safeFence(output), ''];
}

/** The runner's proof of the fix: verdict, test files, the test command's output before and after (cut, fenced). */
export function verificationLines(verification: FixVerification | undefined, outputChars = 3_000): string[] {
  if (!verification) return ['**Test proof:** none (the fix was not asked to prove itself).'];
  const files = verification.testPaths.slice(0, 20).map(safeCode).join(', ');
  return [
    `**Test proof** (run by forgebot’s runner, not by the model): ${VERDICTS[verification.verdict]}. ${safeLine(cutEnd(verification.reason, 1_000))}`,
    '',
    `- Test files: ${files || 'none'}${verification.testPaths.length > 20 ? ` and ${verification.testPaths.length - 20} more` : ''}.`,
    ...runLines('Before the fix (only the test files applied)', verification.before, outputChars),
    ...runLines('After the fix (the whole patch)', verification.after, outputChars),
  ];
}
