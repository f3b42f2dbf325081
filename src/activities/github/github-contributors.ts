import { ContributorList, type ContributionKind } from '../../domain/change-contributors.js';
import type { ContributorReader } from '../forge.js';
import type { RunInRepo } from './github-context.js';

/** GitHub lists at most 250 commits of a pull request. */
const MAX_COMMITS = 250;
/** GitHub itself as a committer (web edits, API commits it signs): no person. */
const GITHUB_ITSELF = { login: 'web-flow', email: 'noreply@github.com' };

type Account = { login: string; id: number } | null | undefined;
type GitPerson = { name?: string | null; email?: string | null } | null | undefined;

const lower = (text: string | null | undefined) => text?.trim().toLowerCase() || undefined;
const withoutBot = (login: string) => login.toLowerCase().replace(/\[bot\]$/, '');

/**
 * Who worked on a pull request, on GitHub: its `user` (`GET /pulls/{n}`) and its commits' authors and committers
 * (`GET /pulls/{n}/commits`, every page): the GitHub accounts GitHub matched their emails to (`author`, `committer`),
 * else the git names and emails (unmapped). forgebot's own login (the token's user or `<app>[bot]`, and its noreply
 * address) and GitHub's own committer are never contributors.
 */
export function createGitHubContributors(run: RunInRepo, botLogin: (owner: string, repo: string) => Promise<string>, perPage = 100): ContributorReader {
  return {
    async changeContributors(ref) {
      return run(ref, `reading who worked on ${ref.projectPath}#${ref.number}`, async (api, repo) => {
        const at = { ...repo, pull_number: ref.number };
        const [login, { data: pull }, commits] = await Promise.all([
          botLogin(repo.owner, repo.repo),
          api.rest.pulls.get(at),
          api.paginate(api.rest.pulls.listCommits, { ...at, per_page: perPage }),
        ]);
        const bot = withoutBot(login);
        const botAddress = new RegExp(`^(?:\\d+\\+)?${bot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\[bot\\])?@users\\.noreply\\.github\\.com$`, 'i');
        const isBot = (account: Account, person: GitPerson) =>
          (account ? withoutBot(account.login) === bot : false) || botAddress.test(lower(person?.email) ?? '');
        const isGitHub = (account: Account, person: GitPerson) => account?.login === GITHUB_ITSELF.login || lower(person?.email) === GITHUB_ITSELF.email;
        const list = new ContributorList();
        if (pull.user && withoutBot(pull.user.login) !== bot) list.add({ userId: pull.user.id, username: pull.user.login, kind: 'opened' });
        if (commits.length >= MAX_COMMITS) list.markTruncated();
        for (const commit of commits) {
          const sides: Array<[Account, GitPerson, ContributionKind]> = [
            [commit.author as Account, commit.commit.author, 'authored'],
            [commit.committer as Account, commit.commit.committer, 'committed'],
          ];
          for (const [account, person, kind] of sides) {
            if (isBot(account, person) || isGitHub(account, person)) continue;
            const name = person?.name ?? undefined;
            const email = lower(person?.email);
            if (!account && !name && !email) continue;
            list.add({ ...(account ? { userId: account.id, username: account.login } : {}), ...(name ? { name } : {}), ...(email ? { email } : {}), kind });
          }
        }
        return list.result();
      });
    },
  };
}
