import express, { type Router } from 'express';
import { branchHead, deleteBranchRef, moveBranch } from './git-plumbing.js';
import { mergeCommit } from './merge-git.js';
import { booleanField, listField, requestBody, stringField } from './request-body.js';
import { badRequest, conflict, methodNotAllowed, unprocessable, withMergeRequest, withProject } from './route-helpers.js';
import { serializeMergeRequest } from './serialize.js';
import type { FakeGitLabState, FakeMergeRequest, FakeUser } from './state.js';
import { isDraftTitle } from './write-model.js';

const EDITABLE = ['title', 'description', 'state_event', 'labels', 'add_labels', 'remove_labels', 'reviewer_ids', 'target_branch'];

function reviewersOf(state: FakeGitLabState, body: Record<string, unknown>): FakeUser[] | undefined {
  // GitLab drops ids of users it does not know rather than failing.
  return listField(body, 'reviewer_ids')?.map(Number).map((id) => state.userById(id)).filter((user) => user !== undefined);
}

const labelsOf = (body: Record<string, unknown>, key: string) => listField(body, key)?.map(String).filter(Boolean);

function applyEdit(state: FakeGitLabState, mr: FakeMergeRequest, body: Record<string, unknown>): string | undefined {
  const title = stringField(body, 'title');
  if (title !== undefined) Object.assign(mr, { title, draft: isDraftTitle(title) });
  const description = stringField(body, 'description');
  if (description !== undefined) mr.description = description;
  const targetBranch = stringField(body, 'target_branch');
  if (targetBranch) mr.targetBranch = targetBranch;
  const stateEvent = stringField(body, 'state_event');
  if (stateEvent !== undefined && stateEvent !== 'close' && stateEvent !== 'reopen') return 'state_event does not have a valid value';
  if (stateEvent === 'close' && mr.state === 'opened') state.setMergeRequestState(mr, 'closed');
  if (stateEvent === 'reopen' && mr.state === 'closed') state.setMergeRequestState(mr, 'opened');
  const labels = labelsOf(body, 'labels');
  if (labels) mr.labels = labels;
  mr.labels = [...new Set([...mr.labels, ...(labelsOf(body, 'add_labels') ?? [])])].filter((label) => !labelsOf(body, 'remove_labels')?.includes(label));
  const reviewers = reviewersOf(state, body);
  if (reviewers) mr.reviewers = reviewers;
  return undefined;
}

/** `POST /projects/:id/merge_requests`, `PUT …/merge_requests/:iid` and `PUT …/merge_requests/:iid/merge`. */
export function mergeRequestWriteRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();

  router.post('/projects/:id/merge_requests', withProject(state, async (project, req, res) => {
    const body = await requestBody(req);
    const sourceBranch = stringField(body, 'source_branch');
    const targetBranch = stringField(body, 'target_branch');
    const title = stringField(body, 'title');
    if (!sourceBranch) return badRequest(res, 'source_branch is missing');
    if (!targetBranch) return badRequest(res, 'target_branch is missing');
    if (!title) return badRequest(res, 'title is missing');
    if (sourceBranch === targetBranch) return unprocessable(res, ["You can't use same project/branch for source and target"]);
    for (const [kind, branch] of [['Source', sourceBranch], ['Target', targetBranch]] as const) {
      if (!(await branchHead(project.repoDir, branch))) return unprocessable(res, [`${kind} branch "${branch}" does not exist`]);
    }
    const open = [...state.mergeRequests.values()].find(
      (mr) => mr.projectId === project.id && mr.state === 'opened' && mr.sourceBranch === sourceBranch && mr.targetBranch === targetBranch,
    );
    if (open) return conflict(res, [`Another open merge request already exists for this source branch: !${open.iid}`]);
    const mr = await state.addMergeRequest({
      projectId: project.id,
      iid: state.nextIid(project.id),
      title,
      description: stringField(body, 'description') ?? '',
      sourceBranch,
      targetBranch,
      author: state.botUser.username,
      draft: isDraftTitle(title),
      labels: labelsOf(body, 'labels') ?? [],
      reviewers: (reviewersOf(state, body) ?? []).map((user) => user.username),
    });
    res.status(201).json(serializeMergeRequest(mr, project, baseUrl()));
  }));

  router.put('/projects/:id/merge_requests/:iid', withMergeRequest(state, async ({ project, mr }, req, res) => {
    const body = await requestBody(req);
    if (!EDITABLE.some((key) => body[key] !== undefined)) return badRequest(res, `${EDITABLE.join(', ')} are missing, at least one parameter must be provided`);
    const invalid = applyEdit(state, mr, body);
    if (invalid) return badRequest(res, invalid);
    res.json(serializeMergeRequest(mr, project, baseUrl()));
  }));

  router.put('/projects/:id/merge_requests/:iid/merge', withMergeRequest(state, async ({ project, mr }, req, res) => {
    const body = await requestBody(req);
    // Drafts, closed and merged requests: `not_allowed!` before anything else.
    if (mr.state !== 'opened' || mr.draft) return methodNotAllowed(res);
    const head = await branchHead(project.repoDir, mr.sourceBranch);
    const target = await branchHead(project.repoDir, mr.targetBranch);
    if (!head || !target) return unprocessable(res, 'Branch cannot be merged');
    const sha = stringField(body, 'sha');
    if (sha !== undefined && sha !== head) return conflict(res, `SHA does not match HEAD of source branch: ${head}`);
    const squash = booleanField(body, 'squash') ?? false;
    const result = await mergeCommit(project.repoDir, {
      targetSha: target,
      headSha: head,
      squash,
      mergeMessage:
        stringField(body, 'merge_commit_message') ??
        `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${project.pathWithNamespace}!${mr.iid}`,
      squashMessage: stringField(body, 'squash_commit_message') ?? mr.title,
      author: { name: state.botUser.name, email: `${state.botUser.username}@fake-gitlab.invalid` },
    });
    if (!result || !(await moveBranch(project.repoDir, mr.targetBranch, result.mergeSha, target))) {
      return unprocessable(res, 'Branch cannot be merged');
    }
    Object.assign(mr, { mergeCommitSha: result.mergeSha, squashCommitSha: result.squashSha ?? null });
    state.setMergeRequestState(mr, 'merged');
    if (booleanField(body, 'should_remove_source_branch') && !state.isProtected(project.id, mr.sourceBranch)) {
      await deleteBranchRef(project.repoDir, mr.sourceBranch, head);
    }
    res.json(serializeMergeRequest(mr, project, baseUrl()));
  }));
  return router;
}
