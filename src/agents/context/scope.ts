import type { Logger } from 'pino';
import type { ReviewTask } from '../../domain/agent-task.js';
import { isAncestor, type DiffFile } from './diff-files.js';
import { readDiffFiles } from './read-diff.js';

/** Lines of context around each change in what the model reads (the forge anchors on 3). */
export const MODEL_CONTEXT_LINES = 5;
/** What GitLab and GitHub show around a change: the lines a comment may anchor on. */
export const ANCHOR_CONTEXT_LINES = 3;

export interface ReviewScope {
  /** What the model reviews: the whole change, or only the commits since the last review. */
  files: DiffFile[];
  /** The change's whole diff as the forge shows it (anchoring, read_diff). */
  changeFiles: DiffFile[];
  incrementalFrom?: string;
  notices: string[];
}

/**
 * The change's diff, and what to review of it: after an earlier review whose head is still in the branch's history,
 * only the files and hunks the new commits touched (`last..head`), limited to files the change still changes.
 */
export async function reviewScope(repoDir: string, task: ReviewTask, log: Logger): Promise<ReviewScope> {
  const { baseSha, headSha } = task.repository;
  const changeFiles = await readDiffFiles(repoDir, `${baseSha}...${headSha}`, ANCHOR_CONTEXT_LINES);
  const full = async () => readDiffFiles(repoDir, `${baseSha}...${headSha}`, MODEL_CONTEXT_LINES);
  const last = task.review?.lastReviewedSha;
  if (!last || last === headSha) return withSizeNotice({ files: await full(), changeFiles, notices: [] }, log);
  if (!(await isAncestor(repoDir, last, headSha))) {
    log.info({ last }, 'last reviewed commit is not an ancestor of the head: full review');
    const notice = `The last reviewed commit ${last.slice(0, 12)} is no longer in the branch's history (force push or rebase): the whole merge request was reviewed again.`;
    return withSizeNotice({ files: await full(), changeFiles, notices: [notice] }, log);
  }
  const inChange = new Set(changeFiles.map((file) => file.newPath));
  const files = (await readDiffFiles(repoDir, `${last}..${headSha}`, MODEL_CONTEXT_LINES)).filter((file) => inChange.has(file.newPath));
  return withSizeNotice({ files, changeFiles, incrementalFrom: last, notices: [] }, log);
}

/** Files too large to review are listed with the files not reviewed; the result also says so up front. */
function withSizeNotice(scope: ReviewScope, log: Logger): ReviewScope {
  const large = scope.files.filter((file) => file.tooLarge !== undefined);
  if (large.length === 0) return scope;
  log.info({ files: large.length }, 'changed files too large to review');
  const named = large.slice(0, 5).map((file) => file.newPath).join(', ');
  const more = large.length > 5 ? ` and ${large.length - 5} more` : '';
  const notice = `${large.length} changed file${large.length === 1 ? ' was' : 's were'} too large to review (${named}${more}): see the files not reviewed.`;
  return { ...scope, notices: [...scope.notices, notice.slice(0, 1_000)] };
}
