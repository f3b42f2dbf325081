import { randomUUID } from 'node:crypto';

export interface DemoMergeRequest {
  projectId: number;
  projectPath: string;
  iid: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  headSha: string;
  webUrl: string;
  author: string;
}

/** A "Merge Request Hook" delivery shaped like the ones GitLab sends (action `open`), with its headers. */
export function demoMergeRequestHook(mr: DemoMergeRequest, secret: string): { headers: Record<string, string>; body: string } {
  const projectUrl = mr.webUrl.replace(/\/-\/merge_requests\/\d+$/, '');
  const project = {
    id: mr.projectId,
    name: mr.projectPath.split('/').pop(),
    description: 'forgebot demo project',
    web_url: projectUrl,
    avatar_url: null,
    git_http_url: `${projectUrl}.git`,
    namespace: mr.projectPath.split('/')[0],
    visibility_level: 0,
    path_with_namespace: mr.projectPath,
    default_branch: mr.targetBranch,
  };
  const payload = {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 1, name: mr.author, username: mr.author, avatar_url: null },
    project,
    repository: { name: project.name, url: project.git_http_url, description: project.description, homepage: projectUrl },
    object_attributes: {
      id: 1000 + mr.iid,
      iid: mr.iid,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      source_project_id: mr.projectId,
      target_project_id: mr.projectId,
      author_id: 1,
      title: mr.title,
      description: mr.description,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      state: 'opened',
      draft: false,
      work_in_progress: false,
      merge_status: 'unchecked',
      url: mr.webUrl,
      source: project,
      target: project,
      last_commit: { id: mr.headSha, message: mr.title, title: mr.title, timestamp: new Date().toISOString(), url: `${projectUrl}/-/commit/${mr.headSha}` },
      action: 'open',
    },
    labels: [],
    changes: {},
  };
  return {
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-event-uuid': randomUUID(),
      'x-gitlab-instance': new URL(projectUrl).origin,
      'x-gitlab-token': secret,
    },
    body: JSON.stringify(payload),
  };
}
