import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestError } from '@octokit/request-error';
import { toGitHubForgeError } from '../src/activities/github/index.js';
import { accessLevelOf } from '../src/activities/github/github-people.js';
import { checkRunState, combinedStatusState, combinePipelineStates } from '../src/activities/github/github-pipeline.js';
import { parseGitHubThreadId, reactionContent } from '../src/activities/github/github-thread-id.js';

function failure(status: number, data: unknown): RequestError {
  return new RequestError('GitHub refused', status, {
    request: { method: 'POST', url: 'https://api.github.com/repos/acme/widgets/git/refs', headers: {} },
    response: { status, url: 'https://api.github.com/repos/acme/widgets/git/refs', headers: {}, data },
  });
}
const codeOf = (status: number, data: unknown) => toGitHubForgeError(failure(status, data), 'writing').code;

describe('GitHub write-side mappings', () => {
  test('errors: conflicts and protected branches are told apart; the older mappings stay', () => {
    assert.equal(codeOf(422, { message: 'Reference already exists' }), 'ERR_FORGE_CONFLICT');
    assert.equal(codeOf(422, { message: 'Update is not a fast forward' }), 'ERR_FORGE_CONFLICT');
    assert.equal(codeOf(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:x.' }] }), 'ERR_FORGE_CONFLICT');
    assert.equal(codeOf(405, { message: 'Pull Request is not mergeable' }), 'ERR_FORGE_CONFLICT');
    assert.equal(codeOf(405, { message: 'Pull Request is still a draft' }), 'ERR_FORGE_CONFLICT');
    assert.equal(codeOf(409, { message: 'Head branch was modified. Review and try the merge again.' }), 'ERR_FORGE_CONFLICT');
    assert.equal(codeOf(422, { message: 'Protected branch update failed for refs/heads/main.' }), 'ERR_FORGE_PROTECTED');
    assert.equal(codeOf(403, { message: 'Cannot force-push to this protected branch' }), 'ERR_FORGE_PROTECTED');
    assert.equal(codeOf(422, { message: 'Repository rule violations found\n\nChanges must be made through a pull request.\n\n' }), 'ERR_FORGE_PROTECTED');
    assert.equal(codeOf(403, { message: 'Resource not accessible by integration' }), 'ERR_FORGE_UNAUTHORIZED');
    assert.equal(codeOf(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] }), 'ERR_FORGE_INVALID');
    assert.equal(codeOf(404, { message: 'Not Found' }), 'ERR_FORGE_NOT_FOUND');
    assert.equal(codeOf(502, { message: 'Bad Gateway' }), 'ERR_FORGE_UNAVAILABLE');
    assert.match(toGitHubForgeError(failure(422, { message: 'Validation Failed', errors: [{ message: 'No commits between main and x' }] }), 'opening').message, /Validation Failed; No commits between main and x/);
  });

  test('pipeline: each check run state, the combined status without contexts, and the precedence', () => {
    const run = (status: string, conclusion: string | null = null) => checkRunState({ status, conclusion });
    assert.deepEqual([run('queued'), run('waiting'), run('in_progress')], ['pending', 'pending', 'running']);
    assert.deepEqual(['success', 'neutral', 'skipped', 'cancelled', 'stale', 'failure', 'timed_out', 'action_required'].map((c) => run('completed', c)), ['success', 'success', 'success', 'canceled', 'canceled', 'failed', 'failed', 'failed']);
    assert.equal(combinedStatusState({ state: 'pending', total_count: 0 }), undefined, 'GitHub says pending when there is no status at all');
    assert.equal(combinedStatusState({ state: 'failure', total_count: 2 }), 'failed');
    assert.equal(combinePipelineStates([]), 'none');
    assert.equal(combinePipelineStates(['success', 'canceled']), 'canceled');
    assert.equal(combinePipelineStates(['success', 'pending', 'running']), 'running');
    assert.equal(combinePipelineStates(['running', 'failed']), 'failed');
  });

  test('access: base roles by name, a custom role by the flags it grants, else the legacy permission', () => {
    assert.equal(accessLevelOf({ permission: 'write', role_name: 'maintain', user: { id: 1 } }), 'maintain');
    assert.equal(accessLevelOf({ permission: 'read', role_name: 'security-triager', user: { id: 1, permissions: { triage: true, pull: true } } }), 'triage');
    assert.equal(accessLevelOf({ permission: 'write', role_name: 'custom', user: null }), 'write');
    assert.equal(accessLevelOf({ permission: 'weird', role_name: 'custom', user: null }), 'none');
  });

  test('thread ids and reaction names', () => {
    assert.deepEqual(parseGitHubThreadId('PRRT_kwDOABC'), { kind: 'review-thread', nodeId: 'PRRT_kwDOABC' });
    assert.deepEqual(parseGitHubThreadId('123'), { kind: 'review-comment', id: 123 });
    assert.deepEqual(parseGitHubThreadId('issue-comment:9'), { kind: 'issue-comment', id: 9 });
    assert.equal(parseGitHubThreadId('note:9'), undefined);
    assert.equal(parseGitHubThreadId('0'), undefined);
    assert.deepEqual(['thumbsup', 'tada', 'eyes', 'constructor'].map(reactionContent), ['+1', 'hooray', 'eyes', undefined]);
  });
});
