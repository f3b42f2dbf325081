import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideMergeRequestAction } from '../src/webhooks/gitlab/decide-merge-request-action.js';
import { parseGitLabEvent } from '../src/webhooks/gitlab/parse-gitlab-event.js';
import { verifyToken } from '../src/webhooks/gitlab/verify-token.js';
import { loadFixture } from './helpers/fixtures.js';
import type { MutablePayload } from './helpers/gitlab-payload.js';

describe('GitLab decisions (pure)', () => {
  const open = loadFixture('gitlab', 'merge_request--open');
  const decide = (mutate: (json: MutablePayload) => void, reviewDrafts = false) => {
    const json = structuredClone(open.json) as unknown as MutablePayload;
    mutate(json);
    return decideMergeRequestAction(parseGitLabEvent(json, 'Merge Request Hook'), { reviewDrafts });
  };

  test('each merge request action maps to review, close or ignore', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['open', {}, 'review'],
      ['reopen', {}, 'review'],
      ['update', { oldrev: 'ae73cb07c9eeaf35924a10f713b364d32b2dd34f' }, 'review'],
      ['update', {}, 'ignore'],
      ['close', {}, 'close'],
      ['merge', {}, 'close'],
      ['approved', {}, 'ignore'],
      ['open', { work_in_progress: true }, 'ignore'],
    ];
    for (const [action, extra, kind] of cases) {
      const decision = decide((json) => Object.assign(json.object_attributes, { action, ...extra }));
      assert.equal(decision.kind, kind, `${action} ${JSON.stringify(extra)}`);
    }
    const merged = decide((json) => (json.object_attributes.action = 'merge'));
    assert.deepEqual(merged.kind === 'close' && [merged.reason, merged.lastSha], ['merged', 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7']);
    assert.equal(decide((json) => (json.object_attributes.draft = true), true).kind, 'review');
  });

  test('verifyToken accepts any configured secret and nothing else', () => {
    assert.equal(verifyToken('b', ['a', 'b']), true);
    assert.equal(verifyToken('b-longer', ['a', 'b']), false);
    assert.equal(verifyToken('', ['']), false);
    assert.equal(verifyToken(undefined, ['a']), false);
    assert.equal(verifyToken('a', []), false);
  });
});
