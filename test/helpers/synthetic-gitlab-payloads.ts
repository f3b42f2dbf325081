// GitLab-shaped stand-ins for the vendor payloads in ../shared (absent on a user's clone), with the same
// identifying values, so that every test but the corpus test runs anywhere. The real payloads win when present.

const project = (id: number | undefined, path: string) => ({
  ...(id === undefined ? {} : { id }),
  name: path.split('/')[1],
  web_url: `http://example.com/${path}`,
  path_with_namespace: path,
  default_branch: 'master',
  git_http_url: `http://example.com/${path}.git`,
});

function mergeRequest(action: string, extra: Record<string, unknown> = {}, projectId: number | undefined = 1) {
  const target = project(projectId, 'gitlabhq/gitlab-test');
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 1, name: 'User1', username: 'user1' },
    project: target,
    object_attributes: {
      id: 99, iid: 1, target_branch: 'master', source_branch: 'ms-viewport', title: 'MS-Viewport', state: 'opened',
      work_in_progress: false, url: 'http://example.com/diaspora/merge_requests/1', source: target, target,
      last_commit: { id: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', message: 'fixed readme' },
      action,
      ...extra,
    },
    labels: [],
    changes: {},
  };
}

const payloads: Record<string, { event: string; body: unknown }> = {
  'merge_request--open': { event: 'Merge Request Hook', body: mergeRequest('open') },
  'merge_request--update-new-commits': { event: 'Merge Request Hook', body: mergeRequest('update', { oldrev: 'ae73cb07c9eeaf35924a10f713b364d32b2dd34f' }, 2) },
  'merge_request--update-labels': { event: 'Merge Request Hook', body: mergeRequest('update', {}, 72081820) },
  'merge_request--update-title-description': { event: 'Merge Request Hook', body: mergeRequest('update', {}, 72081820) },
  'merge_request--close': { event: 'Merge Request Hook', body: mergeRequest('close', { state: 'closed' }, 32059612) },
  'merge_request--merge-group-hook': {
    event: 'Merge Request Hook',
    body: { object_kind: 'merge_request', user: { username: 'root' }, project: project(undefined, 'exm-namespace/example-project'), object_attributes: { id: 15917, url: 'http://example.com/exm-namespace/example-project/merge_requests/1402', action: 'merge' } },
  },
  'note--issue': { event: 'Note Hook', body: { object_kind: 'note', project: project(5, 'gitlabhq/gitlab-test'), object_attributes: { id: 1241, note: 'Hello world', noteable_type: 'Issue' }, issue: { iid: 17 } } },
  'push--branch': { event: 'Push Hook', body: { object_kind: 'push', ref: 'refs/heads/master', after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', project_id: 15, project: project(15, 'mike/diaspora'), commits: [] } },
  'issue--open': { event: 'Issue Hook', body: { object_kind: 'issue', project: project(1, 'gitlabhq/gitlab-test'), object_attributes: { id: 301, iid: 23, title: 'New API: create/update/delete file', action: 'open' } } },
};
/** A stand-in delivery (body + headers) for a fixture name, or undefined when there is none. */
export function syntheticGitLabPayload(name: string): { headers: Record<string, string>; body: string } | undefined {
  const payload = payloads[name];
  if (!payload) return undefined;
  return {
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': payload.event, 'X-Gitlab-Event-UUID': `synthetic-${name}`, 'X-Gitlab-Instance': 'http://example.com' },
    body: JSON.stringify(payload.body),
  };
}
