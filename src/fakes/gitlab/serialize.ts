import type { FakeDiscussion, FakeMergeRequest, FakeNote, FakeProject } from './state.js';

export function serializeProject(project: FakeProject, baseUrl: string) {
  const name = project.pathWithNamespace.split('/').pop() ?? project.pathWithNamespace;
  return {
    id: project.id,
    name,
    path: name,
    path_with_namespace: project.pathWithNamespace,
    default_branch: 'main',
    visibility: 'private',
    web_url: `${baseUrl}/${project.pathWithNamespace}`,
    // A real, clonable URL: the runner clones the project's repository with git.
    http_url_to_repo: `file://${project.repoDir}`,
    ssh_url_to_repo: `git@fake-gitlab:${project.pathWithNamespace}.git`,
  };
}

export function serializeMergeRequest(mr: FakeMergeRequest, project: FakeProject, baseUrl: string) {
  const latest = mr.versions[0];
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.projectId,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    draft: mr.draft,
    work_in_progress: mr.draft,
    source_branch: mr.sourceBranch,
    target_branch: mr.targetBranch,
    source_project_id: mr.projectId,
    target_project_id: mr.projectId,
    author: { ...mr.author, state: 'active', web_url: `${baseUrl}/${mr.author.username}` },
    sha: latest?.head_commit_sha ?? null,
    merge_commit_sha: null,
    detailed_merge_status: 'mergeable',
    created_at: mr.createdAt,
    updated_at: latest?.created_at ?? mr.createdAt,
    web_url: `${baseUrl}/${project.pathWithNamespace}/-/merge_requests/${mr.iid}`,
    references: { short: `!${mr.iid}`, full: `${project.pathWithNamespace}!${mr.iid}` },
    diff_refs: latest
      ? { base_sha: latest.base_commit_sha, head_sha: latest.head_commit_sha, start_sha: latest.start_commit_sha }
      : null,
  };
}

export function serializeNote(note: FakeNote) {
  return { ...note, position: note.position ?? undefined };
}

export function serializeDiscussion(discussion: FakeDiscussion) {
  return { id: discussion.id, individual_note: discussion.individual_note, notes: discussion.notes.map(serializeNote) };
}
