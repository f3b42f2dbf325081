import type { AnalysisResult, ImplementResult } from '../../domain/agent-task.js';
import { safeCode, safeFence, safeLine } from '../../domain/safe-markdown.js';
import type { SentryReport } from './contracts.js';
import { analysisLines, cutEnd, cutMiddle, linkTo, verificationLines, withoutBlankRuns } from './render-parts.js';

/** The stored agent outputs a report names, read by the activity before rendering. */
export interface ReportMaterial {
  analysis?: AnalysisResult;
  work?: ImplementResult;
}

const FOOTER = '_forgebot analyses Sentry errors and proposes fixes as draft changes with a test; nothing merges without a person._';
const PATCH_CHARS = 6_000;

/** The agent's patch (dry run): its size and the diff, fenced and cut. */
function patchLines(work: ImplementResult): string[] {
  const { patch } = work;
  return [
    `**Patch:** ${patch.filesChanged} files, +${patch.linesAdded} −${patch.linesDeleted} lines.`,
    '',
    safeFence(cutMiddle(patch.patch, PATCH_CHARS)),
  ];
}

function workLines(work: ImplementResult | undefined, withPatch: boolean): string[] {
  if (!work) return [];
  return ['', ...verificationLines(work.verification), ...(withPatch ? ['', ...patchLines(work)] : [])];
}

function analysed(material: ReportMaterial): string[] {
  return material.analysis ? ['', ...analysisLines(material.analysis, { proposedFix: true })] : ['', '_The analysis is not available._'];
}

/** The reason a run stopped, in a line: the workflow's, else the analyst's; never empty. */
function reasonOf(detail: string, material: ReportMaterial): string {
  const reason = detail.trim() || material.analysis?.reason.trim() || material.work?.verification?.reason.trim() || '';
  return reason === '' ? 'No reason was recorded (that is a forgebot bug: please report it).' : safeLine(cutEnd(reason, 2_000));
}

function body(report: SentryReport, material: ReportMaterial): string[] {
  switch (report.kind) {
    case 'gated':
      return [
        `**forgebot did not attempt a fix:** the ${safeCode(report.gate)} check stopped it.`,
        '',
        reasonOf(report.detail, material),
        ...(report.dryRun ? ['', '_Dry run: no branch or change would have been made in any case._'] : []),
      ];
    case 'unfixable':
      return [`**forgebot analysed this error and is not attempting a fix.** ${reasonOf(report.detail, material)}`, ...analysed(material)];
    case 'not-proven':
      return [
        `**forgebot wrote a fix but opened no change: it is not proven.** ${reasonOf(report.detail, material)}`,
        ...workLines(material.work, false),
        ...analysed(material),
      ];
    case 'dry-run':
      return [
        '**forgebot’s dry run:** the analysis and the patch it would propose; no branch was pushed and no change opened.',
        ...analysed(material),
        ...workLines(material.work, true),
      ];
    case 'change-opened':
      return [
        `**forgebot opened a draft fix:** ${linkTo(report.changeLabel, report.webUrl)}. It stays a draft until its pipeline passes and a person approves it.`,
        ...analysed(material),
      ];
    case 'finished':
      return [
        `**forgebot’s fix attempt ended:** ${safeLine(report.outcome)}. ${safeLine(cutEnd(report.detail, 2_000))}`.trimEnd(),
        ...(report.webUrl ? ['', `The change: ${linkTo(report.webUrl, report.webUrl)}`] : []),
      ];
    case 'failed':
      return [
        `**forgebot’s fix attempt failed:** ${reasonOf(report.detail, {})}`,
        '',
        report.leftBehind ? `**Left behind:** ${safeLine(cutEnd(report.leftBehind, 1_000))}` : 'Nothing was left behind (no branch, no change).',
      ];
  }
}

/**
 * The comment forgebot posts on the Sentry issue (Markdown). forgebot's own sentences are trusted; every word from
 * the model, a command or Sentry goes through safe-markdown. A stop always says why: never a bare "no fix".
 */
export function renderSentryReport(report: SentryReport, material: ReportMaterial = {}): string {
  return withoutBlankRuns([...body(report, material), '', FOOTER]).join('\n');
}
