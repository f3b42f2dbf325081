// Bodies for the webhook property tests: the vendor payload corpora (../shared/fixtures, or their stand-ins), bodies
// shaped like merge/pull request events with fields off by type or range, arbitrary JSON, and mutations of the corpora.
import fc from 'fast-check';
import { fixtureNames, fixturesAvailable, loadFixture } from './fixtures.js';
import { githubPayload } from './github-payloads.js';
import { mutate, mutationOf } from './json-mutations.js';

const SYNTHETIC_GITLAB = ['merge_request--open', 'merge_request--update-new-commits', 'merge_request--update-labels', 'merge_request--update-title-description', 'merge_request--close', 'merge_request--merge-group-hook', 'note--issue', 'push--branch', 'issue--open'];
const OCTOKIT_GITHUB = ['pull_request--opened', 'pull_request--reopened', 'pull_request--synchronize', 'pull_request--closed', 'pull_request--closed-merged', 'pull_request--labeled', 'pull_request--ready_for_review', 'ping--repository-hook', 'issue_comment--created-on-pull-request'];
export const gitlabPayloads = (fixturesAvailable('gitlab') ? fixtureNames('gitlab') : SYNTHETIC_GITLAB).map((name) => {
  const fixture = loadFixture('gitlab', name);
  return { name, event: fixture.headers['X-Gitlab-Event'], json: fixture.json as unknown };
});
export const githubPayloads = (fixturesAvailable('github') ? fixtureNames('github') : OCTOKIT_GITHUB).map((name) => ({ name, ...githubPayload(name) }));

/** Every field name the schemas read (merge-request-event.ts, pull-request-event.ts): extra fields are any other name. */
export const GITLAB_KEYS = new Set(['object_kind', 'event_name', 'user', 'username', 'project', 'id', 'path_with_namespace', 'object_attributes', 'iid', 'title', 'action', 'source_branch', 'target_branch', 'url', 'draft', 'work_in_progress', 'oldrev', 'last_commit', 'changes', 'previous', 'current', 'target_project_id']);
export const GITHUB_KEYS = new Set(['action', 'number', 'pull_request', 'title', 'html_url', 'draft', 'merged', 'user', 'login', 'head', 'sha', 'ref', 'base', 'repository', 'full_name', 'sender']);

const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const mrUrl = fc
  .tuple(fc.constantFrom('http://example.com/g/p/-/merge_requests/', 'https://gitlab.example/a/merge_requests/', '/merge_requests/'), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constantFrom('', '/', '?x=1', '#note', '/diffs', 'x'))
  .map(([base, number, tail]) => `${base}${number}${tail}`);
/** Values that sit on schema boundaries: SHAs of every length, numbers that are not positive safe integers, near-valid strings. */
export const edgy = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  hex(0, 70),
  mrUrl,
  fc.constantFrom(0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, 1e21, '', ' ', '1', 'merge_request', 'open', 'update', 'close', 'merge', 'opened', 'closed', 'synchronize', 'a/b', 'a b/c', true, false, null, [], {}),
);
const header = (usual: readonly string[]) => fc.oneof(fc.constantFrom(...usual), fc.constant(undefined), fc.string({ maxLength: 20 }));
const GITLAB_HEADERS = ['Merge Request Hook', 'System Hook', 'Note Hook', 'Push Hook', 'Issue Hook'];
const GITHUB_HEADERS = ['pull_request', 'ping', 'issue_comment', 'pull_request_review_comment', 'push'];

/** Bodies shaped like merge request events, every field optional and any of them off by type or range. */
const gitlabShaped = fc.record(
  {
    object_kind: fc.oneof(fc.constant('merge_request'), edgy),
    event_name: edgy,
    user: fc.oneof(fc.record({ username: fc.oneof(fc.string(), edgy) }), edgy),
    project: fc.record({ id: fc.oneof(fc.integer({ min: 1 }), edgy), path_with_namespace: fc.oneof(fc.constant('group/app'), edgy) }, { requiredKeys: [] }),
    object_attributes: fc.record(
      {
        action: fc.oneof(fc.constantFrom('open', 'reopen', 'update', 'close', 'merge', 'approved', ''), edgy),
        iid: fc.oneof(fc.integer({ min: 1 }), edgy),
        title: fc.oneof(fc.string(), edgy),
        source_branch: fc.string(),
        target_branch: fc.string(),
        url: fc.oneof(mrUrl, edgy),
        draft: fc.oneof(fc.boolean(), edgy),
        work_in_progress: fc.oneof(fc.boolean(), edgy),
        oldrev: fc.oneof(hex(40, 40), edgy),
        last_commit: fc.oneof(fc.record({ id: fc.oneof(hex(40, 40), hex(0, 70), edgy) }), edgy),
        target_project_id: fc.oneof(fc.integer({ min: 1 }), edgy),
      },
      { requiredKeys: [] },
    ),
    changes: fc.oneof(fc.record({ draft: fc.record({ previous: edgy, current: edgy }) }, { requiredKeys: [] }), edgy),
  },
  { requiredKeys: [] },
);
/** Closes and merges (group hooks may name the merge request only by its URL). */
const gitlabClose = fc.record({
  object_kind: fc.constant('merge_request'),
  project: fc.record({ id: fc.oneof(fc.integer({ min: 1 }), edgy), path_with_namespace: fc.constant('group/app') }, { requiredKeys: ['path_with_namespace'] }),
  object_attributes: fc.record(
    { action: fc.constantFrom('close', 'merge'), iid: fc.oneof(fc.integer({ min: 1 }), edgy), url: mrUrl, target_project_id: fc.integer({ min: 1 }), last_commit: fc.record({ id: fc.oneof(hex(40, 40), edgy) }) },
    { requiredKeys: ['action', 'url'] },
  ),
});
const githubShaped = fc.record(
  {
    action: fc.oneof(fc.constantFrom('opened', 'reopened', 'synchronize', 'ready_for_review', 'closed', 'labeled'), edgy),
    number: fc.oneof(fc.integer({ min: 1 }), edgy),
    pull_request: fc.record(
      {
        title: fc.oneof(fc.string(), edgy),
        html_url: fc.oneof(fc.webUrl(), edgy),
        draft: fc.oneof(fc.boolean(), edgy),
        merged: fc.oneof(fc.boolean(), edgy),
        user: fc.oneof(fc.record({ login: fc.string() }), edgy),
        head: fc.record({ sha: fc.oneof(hex(40, 40), hex(0, 70), edgy), ref: fc.oneof(fc.string(), edgy) }, { requiredKeys: [] }),
        base: fc.record({ ref: fc.oneof(fc.string(), edgy) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    repository: fc.record({ full_name: fc.oneof(fc.constantFrom('octo/app', 'a.b/c-d_e'), edgy) }, { requiredKeys: [] }),
    sender: fc.oneof(fc.record({ login: fc.string() }), edgy),
  },
  { requiredKeys: [] },
);
/** Any JSON value: as generated, and anything at all made JSON (what JSON.parse could hand the parser). */
const anyJson = fc.oneof(fc.jsonValue(), fc.anything().map((value): unknown => JSON.parse(JSON.stringify(value) ?? 'null')));

const mutatedGitLab = fc.record({
  payload: fc.constantFrom(...gitlabPayloads),
  mutations: fc.array(mutationOf(edgy, GITLAB_KEYS), { minLength: 1, maxLength: 4 }),
}).map(({ payload, mutations }) => ({ event: payload.event, body: mutate(payload.json, mutations) }));
const mutatedGitHub = fc.record({
  payload: fc.constantFrom(...githubPayloads),
  mutations: fc.array(mutationOf(edgy, GITHUB_KEYS), { minLength: 1, maxLength: 4 }),
}).map(({ payload, mutations }) => ({ event: payload.event, body: mutate(payload.json, mutations) }));

export const gitlabBody = fc.oneof(
  fc.record({ event: header(GITLAB_HEADERS), body: anyJson }),
  fc.record({ event: fc.oneof(fc.constant('Merge Request Hook'), header(GITLAB_HEADERS)), body: gitlabShaped }),
  fc.record({ event: fc.constant('Merge Request Hook'), body: gitlabClose }),
  mutatedGitLab,
);
export const githubBody = fc.oneof(
  fc.record({ event: header(GITHUB_HEADERS), body: anyJson }),
  fc.record({ event: fc.oneof(fc.constant('pull_request'), header(GITHUB_HEADERS)), body: githubShaped }),
  mutatedGitHub,
);

