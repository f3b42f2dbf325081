import type { PriorFinding } from '../../domain/finding.js';
import type { Guideline } from '../../domain/guidelines.js';
import { fenceUntrusted, sanitizeUntrusted } from '../sanitize.js';
import type { ReviewTask } from '../../domain/agent-task.js';
import { fenceLearnings } from './learnings-section.js';
import type { PlannedFile } from './plan-batches.js';

export interface BriefInput {
  task: ReviewTask;
  batch: readonly PlannedFile[];
  batchIndex: number;
  batchCount: number;
  /** Files of the change reviewed in other batches, or skipped (their count is told, not their diff). */
  elsewhere: number;
  guidelines: readonly Guideline[];
  language: string;
  /** Set for an incremental review: the diff is lastReviewedSha..head. */
  incrementalFrom?: string;
  priorFindings: readonly PriorFinding[];
}

/** Guidelines from the target branch: trusted to steer focus and conventions, bounded, in a fence they cannot close. */
export function fenceGuidelines(guidelines: readonly Guideline[], targetBranch: string): string {
  if (guidelines.length === 0) return '';
  const blocks = guidelines.map((guideline) => {
    const text = sanitizeUntrusted(guideline.text).replace(/<\/?project-guidelines/gi, (tag) => tag.replace('<', '&lt;'));
    return `<project-guidelines source="${guideline.path}" branch="${sanitizeUntrusted(targetBranch).replace(/"/g, '')}">\n${text}\n</project-guidelines>`;
  });
  return ['Project review guidelines (from the target branch; see the rules on guidelines):', ...blocks].join('\n\n');
}

function priorList(prior: readonly PriorFinding[]): string {
  const lines = prior.map((finding) => `${finding.fingerprint} · ${finding.path}:${finding.line} · ${finding.severity} ${finding.category} · ${finding.title}`);
  return [
    'Earlier findings of yours that are still open (id · place at the earlier review · kind · title):',
    fenceUntrusted('earlier-findings', lines.join('\n')),
    'Put in "fixed" the ids of those the new commits fix. Do not report them again as findings; report one again only if the new commits changed it and it is still wrong.',
  ].join('\n');
}

/** The first user message of one batch: the change's metadata, guidelines, earlier findings and the batch's diff. */
export function buildReviewBrief(input: BriefInput): string {
  const { task } = input;
  const { request } = task;
  const paths = input.batch.map((planned) => `${planned.file.newPath}${planned.partial ? ' (diff cut: read the rest)' : ''}`).join('\n');
  const scope = input.incrementalFrom
    ? `This merge request was reviewed before at ${input.incrementalFrom}. Review only what the commits since then changed: the diff below is ${input.incrementalFrom.slice(0, 12)}..${task.repository.headSha.slice(0, 12)}. read_diff shows the merge request's whole diff of a file; read_file the file at the head.`
    : 'The diff below is base...head.';
  const batching = input.batchCount > 1 ? `This is batch ${input.batchIndex + 1} of ${input.batchCount}: review the files below; the other batches are reviewed separately.` : '';
  return [
    `Review merge request !${request.ref.number} in ${request.ref.projectPath} at head ${task.repository.headSha} (base ${task.repository.baseSha}).`,
    fenceUntrusted('merge-request', [`title: ${request.title}`, `author: ${request.author}`, `branches: ${request.sourceBranch} → ${request.targetBranch}`].join('\n')),
    fenceGuidelines(input.guidelines, request.targetBranch),
    fenceLearnings(task.review?.learnings ?? []),
    `Write the summary and every finding's title and body in ${input.language}.`,
    input.priorFindings.length > 0 ? priorList(input.priorFindings) : '',
    [scope, batching].filter(Boolean).join(' '),
    `Files in this review (${input.batch.length}${input.elsewhere > 0 ? `; ${input.elsewhere} other changed files are not part of it` : ''}):`,
    fenceUntrusted('changed-files', paths, 'code'),
    'The diff:',
    fenceUntrusted('diff', input.batch.map((planned) => planned.text).join('\n'), 'code'),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}
