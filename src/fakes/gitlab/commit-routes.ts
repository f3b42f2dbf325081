import express, { type Router } from 'express';
import { parseActions, type ParsedAction } from './commit-actions.js';
import { CommitRefused, writeCommit } from './commit-tree.js';
import { branchHead, lastCommitForPath, moveBranch, resolveCommit, runGit } from './git-plumbing.js';
import { requestBody, stringField } from './request-body.js';
import { badRequest, notFound, refused, withProject } from './route-helpers.js';
import { readCommit, serializeCommit, serializePipeline } from './serialize-writes.js';
import type { FakeGitLabState, FakeProject } from './state.js';

/** What `authorize_push_to_branch!` answers for a protected branch the token's user may not push to. */
export const PUSH_FORBIDDEN = '403 Forbidden - You are not allowed to push into this branch';

/**
 * Files::BaseService#file_has_changed?: the file's last commit on the branch differs from its last commit as of
 * `lastCommitId` (either missing: not changed).
 */
async function fileHasChanged(repoDir: string, branchSha: string, path: string, lastCommitId: string): Promise<boolean> {
  const fromBranch = await lastCommitForPath(repoDir, branchSha, path);
  if (!fromBranch) return false;
  const fromCommit = await lastCommitForPath(repoDir, lastCommitId, path);
  return fromCommit !== undefined && fromCommit !== fromBranch;
}

async function changedFile(repoDir: string, parent: string | undefined, actions: ParsedAction[]): Promise<string | undefined> {
  if (!parent) return undefined;
  for (const { action, lastCommitId } of actions) {
    if (!lastCommitId || (action.action !== 'update' && action.action !== 'delete' && action.action !== 'move')) continue;
    const path = action.action === 'move' ? action.previousPath : action.filePath;
    if (await fileHasChanged(repoDir, parent, path, lastCommitId)) return path;
  }
  return undefined;
}

async function stats(repoDir: string, parent: string | undefined, sha: string) {
  if (!parent) return { additions: 0, deletions: 0, total: 0 };
  const { stdout } = await runGit(repoDir, ['diff', '--numstat', parent, sha]);
  let additions = 0;
  let deletions = 0;
  for (const line of stdout.split('\n')) {
    const [added, removed] = line.split('\t');
    additions += Number(added) || 0;
    deletions += Number(removed) || 0;
  }
  return { additions, deletions, total: additions + deletions };
}

/** GitLab makes a new diff version of every open MR whose source branch was pushed to. */
async function refreshSourceMergeRequests(state: FakeGitLabState, projectId: number, branch: string): Promise<void> {
  for (const mr of state.mergeRequests.values()) {
    if (mr.projectId === projectId && mr.sourceBranch === branch && mr.state === 'opened') await state.refreshMergeRequest(projectId, mr.iid);
  }
}

/** `POST /projects/:id/repository/commits` (actions, committed with git plumbing) and `GET …/commits/:sha`. */
export function commitRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  const lastPipeline = (project: FakeProject, sha: string) => state.pipelines.findLast((p) => p.projectId === project.id && p.sha === sha);

  router.post('/projects/:id/repository/commits', withProject(state, async (project, req, res) => {
    const body = await requestBody(req);
    const branch = stringField(body, 'branch');
    const message = stringField(body, 'commit_message');
    const startBranch = stringField(body, 'start_branch');
    const startSha = stringField(body, 'start_sha');
    if (!branch) return badRequest(res, 'branch is missing');
    if (!message) return badRequest(res, 'commit_message is missing');
    if (!Array.isArray(body.actions)) return badRequest(res, 'actions is missing');
    if (startBranch && startSha) return badRequest(res, 'start_branch, start_sha are mutually exclusive');
    if (state.isProtected(project.id, branch)) return void res.status(403).json({ message: PUSH_FORBIDDEN });
    const actions = parseActions(body.actions as unknown[]);
    if (typeof actions === 'string') return badRequest(res, actions);

    const head = await branchHead(project.repoDir, branch);
    let parent = head;
    if (!head) {
      const start = startSha ?? startBranch;
      if (!start) return refused(res, 'You can only create or edit files when you are on a branch');
      parent = await resolveCommit(project.repoDir, start);
      if (!parent) return refused(res, startSha ? `Cannot find start_sha '${startSha}'` : `Cannot find start_branch '${start}'`);
    } else if ((startBranch && startBranch !== branch) || startSha) {
      return refused(res, `A branch called '${branch}' already exists. Switch to that branch in order to make changes`);
    }
    const changed = await changedFile(project.repoDir, parent, actions);
    if (changed) return refused(res, `The file has changed since you started editing it: ${changed}`);

    let sha: string;
    try {
      const author = { name: state.botUser.name, email: `${state.botUser.username}@fake-gitlab.invalid` };
      sha = await writeCommit(project.repoDir, { parent, actions: actions.map((parsed) => parsed.action), message, author });
    } catch (error) {
      if (error instanceof CommitRefused) return refused(res, error.message);
      throw error;
    }
    if (!(await moveBranch(project.repoDir, branch, sha, head ?? ''))) {
      return refused(res, `Could not update refs/heads/${branch}. Please refresh and try again.`);
    }
    await refreshSourceMergeRequests(state, project.id, branch);
    const commit = await readCommit(project.repoDir, sha);
    if (!commit) throw new Error(`fake GitLab: commit ${sha} vanished`);
    res.status(201).json({ ...serializeCommit(commit, project, baseUrl()), stats: await stats(project.repoDir, parent, sha), status: null, last_pipeline: null });
  }));

  router.get('/projects/:id/repository/commits/:sha', withProject(state, async (project, req, res) => {
    const sha = await resolveCommit(project.repoDir, String(req.params.sha));
    const commit = sha ? await readCommit(project.repoDir, sha) : undefined;
    if (!commit) return notFound(res, 'Commit Not Found');
    const pipeline = lastPipeline(project, commit.id);
    const parent = commit.parentIds[0];
    res.json({
      ...serializeCommit(commit, project, baseUrl()),
      stats: await stats(project.repoDir, parent, commit.id),
      status: pipeline?.status ?? null,
      last_pipeline: pipeline ? serializePipeline(pipeline, project, baseUrl()) : null,
    });
  }));
  return router;
}
