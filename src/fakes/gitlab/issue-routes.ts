import express, { type Router } from 'express';
import { notFound, withProject } from './route-helpers.js';
import { serializeUser } from './serialize.js';
import type { FakeGitLabState, FakeProject, FakeUser } from './state.js';

/** A project's issue: what a change's description links to. */
export interface FakeIssue {
  id: number;
  projectId: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  author: FakeUser;
  createdAt: string;
}

function serializeIssue(issue: FakeIssue, project: FakeProject, baseUrl: string) {
  return {
    id: issue.id,
    iid: issue.iid,
    project_id: issue.projectId,
    title: issue.title,
    description: issue.description,
    state: issue.state,
    created_at: issue.createdAt,
    updated_at: issue.createdAt,
    closed_at: null,
    labels: [],
    author: serializeUser(issue.author, baseUrl),
    assignees: [],
    type: 'ISSUE',
    issue_type: 'issue',
    confidential: false,
    web_url: `${baseUrl}/${project.pathWithNamespace}/-/issues/${issue.iid}`,
    references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${project.pathWithNamespace}#${issue.iid}` },
  };
}

/** `GET /projects/:id/issues/:iid`: one issue, or GitLab's `404 Not found`. */
export function issueRoutes(state: FakeGitLabState, baseUrl: () => string): Router {
  const router = express.Router();
  router.get('/projects/:id/issues/:iid', withProject(state, (project, req, res) => {
    const issue = state.issues.find((candidate) => candidate.projectId === project.id && candidate.iid === Number(req.params.iid));
    if (!issue) return notFound(res);
    res.json(serializeIssue(issue, project, baseUrl()));
  }));
  return router;
}
