import { ContributorList, type ContributorSighting } from '../../domain/change-contributors.js';
import type { ContributorReader } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';

/** Pages of commits read per merge request (of the forge's page size, 100 at most): a fix or ticket change has a handful. */
const COMMIT_PAGES = 5;
/** Emails looked up as accounts per read (`GET /users?search=`): the rest stay unmapped. */
const MAX_LOOKUPS = 20;

/** GitLab's private commit email, `<id>-<username>@users.noreply.<host>`: it names its account. */
const NOREPLY = /^(\d+)-([^@]+)@users\.noreply\./i;

interface Account {
  id: number;
  username: string;
  name?: string;
}

/** forgebot's own account: its id and the addresses its commits carry (a user sees its own emails). */
interface Bot {
  id: number;
  emails: Set<string>;
}

const lower = (email: string | null | undefined) => email?.trim().toLowerCase() || undefined;

/**
 * Who worked on a merge request, on GitLab: its author (`GET …/merge_requests/:iid`) and the authors and committers
 * of its commits (`GET …/merge_requests/:iid/commits`). Commits carry only names and emails: an email is mapped to an
 * account when GitLab's private commit address names it, or when `GET /users?search=<email>` finds the account whose
 * public email it is (a non-admin token matches public emails only); the others stay unmapped, kept by name and email.
 * forgebot's own account (the token's user, by id and its emails) is never a contributor.
 */
export function createGitLabContributors(ctx: GitLabContext): ContributorReader {
  const { api } = ctx;
  let bot: Promise<Bot> | undefined;
  function ownAccount(): Promise<Bot> {
    bot ??= api.Users.showCurrentUser().then((user) => {
      const emails = [user.email, user.public_email, (user as { commit_email?: string | null }).commit_email].map(lower).filter((email): email is string => email !== undefined);
      return { id: user.id, emails: new Set(emails) };
    });
    void bot.catch(() => (bot = undefined));
    return bot;
  }

  async function accountOf(email: string, lookups: { left: number }): Promise<Account | undefined> {
    const noreply = NOREPLY.exec(email);
    if (noreply) return { id: Number(noreply[1]), username: noreply[2] ?? '' };
    if (lookups.left <= 0) return undefined;
    lookups.left -= 1;
    const users = await api.Users.all({ search: email, perPage: 20, maxPages: 1 });
    const found = users.filter((user) => lower(user.public_email as string | null | undefined) === email);
    // Two accounts with one public email cannot be: take none rather than guess.
    const only = found.length === 1 ? found[0] : undefined;
    return only ? { id: only.id, username: only.username, name: only.name } : undefined;
  }

  return {
    async changeContributors(ref) {
      return ctx.attempt(`reading who worked on ${ref.projectPath}!${ref.number}`, async () => {
        const [own, mr, commits] = await Promise.all([
          ownAccount(),
          api.MergeRequests.show(ref.projectId, ref.number),
          api.MergeRequests.allCommits(ref.projectId, ref.number, { perPage: ctx.perPage, maxPages: COMMIT_PAGES }),
        ]);
        const list = new ContributorList();
        if (mr.author.id !== own.id) list.add({ userId: mr.author.id, username: mr.author.username, name: mr.author.name, kind: 'opened' });
        if (commits.length >= ctx.perPage * COMMIT_PAGES) list.markTruncated();
        const accounts = new Map<string, Account | undefined>();
        const lookups = { left: MAX_LOOKUPS };
        for (const commit of commits) {
          const people: Array<{ name?: string | undefined; email: string | undefined; kind: ContributorSighting['kind'] }> = [
            { name: commit.author_name, email: lower(commit.author_email), kind: 'authored' },
            { name: commit.committer_name, email: lower(commit.committer_email), kind: 'committed' },
          ];
          for (const { name, email, kind } of people) {
            if (email !== undefined && own.emails.has(email)) continue;
            if (email !== undefined && !accounts.has(email)) accounts.set(email, await accountOf(email, lookups));
            const account = email !== undefined ? accounts.get(email) : undefined;
            if (account?.id === own.id) continue;
            if (!name && !email) continue;
            list.add({ ...(account ? { userId: account.id, username: account.username } : {}), ...(name ? { name } : {}), ...(email ? { email } : {}), kind });
            if (account?.name) list.add({ userId: account.id, name: account.name, kind });
          }
        }
        return list.result();
      });
    },
  };
}
