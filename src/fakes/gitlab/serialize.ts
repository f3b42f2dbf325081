import type { FakeDiscussion, FakeMergeRequest, FakeNote, FakeProject, FakeUser } from './state.js';

/** JSON bodies shaped like GitLab's REST API v4 (snake_case, the fields forgebot and gitbeaker read). */

export function serializeUser(user: FakeUser, baseUrl: string) {
  const { publicEmail, ...rest } = user;
  return { ...rest, state: user.state ?? 'active', locked: user.state === 'blocked', public_email: publicEmail ?? '', avatar_url: null, web_url: `${baseUrl}/${user.username}` };
}

export function serializeProject(project: FakeProject, baseUrl: string) {
  const name = project.pathWithNamespace.split('/').pop() ?? project.pathWithNamespace;
  const namespace = project.pathWithNamespace.split('/').slice(0, -1).join('/');
  return {
    id: project.id,
    name,
    path: name,
    path_with_namespace: project.pathWithNamespace,
    name_with_namespace: project.pathWithNamespace.split('/').join(' / '),
    namespace: { name: namespace, path: namespace, full_path: namespace, kind: 'group' },
    default_branch: 'main',
    visibility: 'private',
    archived: false,
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
    labels: mr.labels,
    author: serializeUser(mr.author, baseUrl),
    reviewers: mr.reviewers.map((reviewer) => serializeUser(reviewer, baseUrl)),
    sha: latest?.head_commit_sha ?? null,
    merge_commit_sha: mr.mergeCommitSha,
    squash_commit_sha: mr.squashCommitSha,
    merged_at: mr.mergedAt,
    closed_at: mr.closedAt,
    merge_status: 'can_be_merged',
    detailed_merge_status: mr.draft ? 'draft_status' : 'mergeable',
    has_conflicts: false,
    blocking_discussions_resolved: true,
    user_notes_count: mr.discussions.flatMap((d) => d.notes).filter((n) => !n.system).length,
    created_at: mr.createdAt,
    updated_at: latest?.created_at ?? mr.createdAt,
    web_url: `${baseUrl}/${project.pathWithNamespace}/-/merge_requests/${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${project.pathWithNamespace}!${mr.iid}` },
    diff_refs: latest
      ? { base_sha: latest.base_commit_sha, head_sha: latest.head_commit_sha, start_sha: latest.start_commit_sha }
      : null,
  };
}

export function serializeNote(note: FakeNote, baseUrl: string) {
  const { position, resolvedBy, resolvedAt, ...rest } = note;
  return {
    ...rest,
    author: serializeUser(note.author, baseUrl),
    attachment: null,
    confidential: false,
    internal: false,
    commands_changes: {},
    // GitLab exposes both on resolvable notes only: the resolver as a basic user, null while unresolved.
    ...(note.resolvable ? { resolved_by: resolvedBy ? serializeUser(resolvedBy, baseUrl) : null, resolved_at: resolvedAt ?? null } : {}),
    ...(position ? { position: { ...position, line_range: null } } : {}),
  };
}

export function serializeDiscussion(discussion: FakeDiscussion, baseUrl: string) {
  return {
    id: discussion.id,
    individual_note: discussion.individual_note,
    notes: discussion.notes.map((note) => serializeNote(note, baseUrl)),
  };
}
