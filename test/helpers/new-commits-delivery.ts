import { randomUUID } from 'node:crypto';
import { loadFixture } from './fixtures.js';
import { TEST_SECRET } from './webhook-server.js';

const newCommits = loadFixture('gitlab', 'merge_request--update-new-commits');

/** GitLab's "update with new commits" delivery for MR !1 of project 1 (gitlabhq/gitlab-test), from `before` to `sha`. */
export function newCommitsDelivery(before: string, sha: string): { headers: Record<string, string>; body: string } {
  const json = structuredClone(newCommits.json) as { project: { id: number; path_with_namespace: string }; object_attributes: Record<string, unknown> };
  json.project.id = 1;
  json.project.path_with_namespace = 'gitlabhq/gitlab-test';
  Object.assign(json.object_attributes, { iid: 1, oldrev: before, last_commit: { ...(json.object_attributes.last_commit as object), id: sha } });
  return { headers: { ...newCommits.headers, 'X-Gitlab-Token': TEST_SECRET, 'X-Gitlab-Event-UUID': randomUUID() }, body: JSON.stringify(json) };
}
