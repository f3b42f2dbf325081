// Who worked on a pull request, through octokit against the fake GitHub: its user, the commits' authors and committers
// (the accounts GitHub matched their emails to, else git names and emails), forgebot and GitHub itself excluded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ForgeError } from '../src/activities/forge.js';
import { createGitHubConnection, createGitHubForge } from '../src/activities/github/index.js';
import type { ChangeContributor } from '../src/domain/change-contributors.js';
import type { ChangeRef } from '../src/domain/change-ref.js';
import { GITHUB_PR, GITHUB_REPO, GITHUB_TEST_TOKEN, startGitHubFixture, type GitHubFixture } from './helpers/github-fake.js';

const ref: ChangeRef = { forge: 'github', projectId: GITHUB_REPO, projectPath: GITHUB_REPO, number: GITHUB_PR };

const byName = (a: ChangeContributor, b: ChangeContributor) => (a.username ?? a.names[0] ?? '').localeCompare(b.username ?? b.names[0] ?? '');
const summary = (people: ChangeContributor[]) => [...people].sort(byName).map(({ userId, username, names, emails, kinds }) => ({ userId, username, names, emails, kinds }));

describe('GitHub forge: who worked on a pull request', () => {
  let fixture: GitHubFixture;
  const forgeWith = (perPage: number) => createGitHubForge(createGitHubConnection({ kind: 'token', token: GITHUB_TEST_TOKEN }, { baseUrl: fixture.github.url, timeoutMs: 10_000 }), { perPage });

  /** One commit on `feature` as `author` and `committer` (`Name <email>`). */
  async function commitAs(file: string, author: string, committer = author): Promise<void> {
    const { repo } = fixture.feature;
    const [, name = '', email = ''] = /^(.*) <(.*)>$/.exec(committer) ?? [];
    await repo.checkout('feature');
    await writeFile(join(repo.dir, file), `${file}\n`);
    await repo.git('add', '--all');
    await repo.git('-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '--quiet', `--author=${author}`, '-m', `add ${file}`);
    await repo.checkout('main');
  }

  before(async () => {
    fixture = await startGitHubFixture();
    fixture.github.addUser({ login: 'alice', id: 5001, emails: ['alice@corp.test'] });
    fixture.github.addUser({ login: 'dave', id: 5004 });
    await commitAs('alice.ts', 'Alice <Alice@Corp.test>', 'Dave <5004+dave@users.noreply.github.com>');
    await commitAs('bot.ts', 'forgebot <4242+forgebot@users.noreply.github.com>');
    await commitAs('carol.ts', 'Carol <carol@home.test>', 'GitHub <noreply@github.com>');
  });
  after(async () => fixture?.stop());

  test("the opener and every commit's people; forgebot's commit and GitHub's committer are no one", async () => {
    for (const perPage of [100, 1]) {
      const found = await forgeWith(perPage).changeContributors(ref);
      assert.deepEqual(summary(found.people), [
        { userId: 5001, username: 'alice', names: ['Alice'], emails: ['alice@corp.test'], kinds: ['authored'] },
        { userId: undefined, username: undefined, names: ['Carol'], emails: ['carol@home.test'], kinds: ['authored'] },
        { userId: 5004, username: 'dave', names: ['Dave'], emails: ['5004+dave@users.noreply.github.com'], kinds: ['committed'] },
        // The fixture's own feature commit: a git identity GitHub knows no account for.
        { userId: undefined, username: undefined, names: ['forgebot test'], emails: ['test@forgebot.invalid'], kinds: ['authored', 'committed'] },
        { userId: 1, username: 'octocat', names: [], emails: [], kinds: ['opened'] },
      ], `per_page ${perPage}`);
      assert.equal(found.unmappedEmails, 2);
      assert.equal(found.truncated, false);
    }
    const pages = fixture.github.requests.filter((request) => request === `GET /repos/${GITHUB_REPO}/pulls/${GITHUB_PR}/commits`);
    assert.equal(pages.length, 1 + 4, 'one page of 100, then four of one');
  });

  test('a pull request forgebot opened is not its own contributor; an unknown pull request is ERR_FORGE_NOT_FOUND', async () => {
    const pull = fixture.github.state.pulls[0];
    assert.ok(pull);
    pull.user = { login: 'forgebot', id: 4242, type: 'User' };
    const found = await forgeWith(100).changeContributors(ref);
    assert.equal(found.people.some((person) => person.kinds.includes('opened')), false);
    const error = await forgeWith(100).changeContributors({ ...ref, number: 999 }).then(() => undefined, (failure: unknown) => failure);
    assert.ok(error instanceof ForgeError && error.code === 'ERR_FORGE_NOT_FOUND', String(error));
  });
});
