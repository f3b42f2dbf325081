import type { Logger } from 'pino';
import type { ReviewTask } from '../../domain/agent-task.js';
import { gitDiff, isAncestor, parseDiffFiles, type DiffFile } from './diff-files.js';

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
  const changeFiles = parseDiffFiles(await gitDiff(repoDir, `${baseSha}...${headSha}`, ANCHOR_CONTEXT_LINES));
  const full = async () => parseDiffFiles(await gitDiff(repoDir, `${baseSha}...${headSha}`, MODEL_CONTEXT_LINES));
  const last = task.review?.lastReviewedSha;
  if (!last || last === headSha) return { files: await full(), changeFiles, notices: [] };
  if (!(await isAncestor(repoDir, last, headSha))) {
    log.info({ last }, 'last reviewed commit is not an ancestor of the head: full review');
    const notice = `The last reviewed commit ${last.slice(0, 12)} is no longer in the branch's history (force push or rebase): the whole merge request was reviewed again.`;
    return { files: await full(), changeFiles, notices: [notice] };
  }
  const inChange = new Set(changeFiles.map((file) => file.newPath));
  const files = parseDiffFiles(await gitDiff(repoDir, `${last}..${headSha}`, MODEL_CONTEXT_LINES)).filter((file) => inChange.has(file.newPath));
  return { files, changeFiles, incrementalFrom: last, notices: [] };
}
