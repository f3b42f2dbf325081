import { RequestError } from '@octokit/request-error';
import { ForgeError, type BranchChange, type RepositoryReader } from '../forge.js';
import { ONCE, type RunInRepo } from './github-context.js';

/** GitHub's message in an error body, if any. */
const messageOf = (error: RequestError) => String((error.response?.data as { message?: unknown } | undefined)?.message ?? '');

/** `404 Branch not found` is a missing branch; a bare `404 Not Found` is a repository this token cannot see. */
const missingBranch = (error: unknown) => error instanceof RequestError && error.status === 404 && /branch not found/i.test(messageOf(error));
/** `409 Git Repository is empty.`: no refs at all yet. */
const emptyRepository = (error: unknown) => error instanceof RequestError && error.status === 409 && /repository is empty/i.test(messageOf(error));

const HEADS = 'refs/heads/';

/**
 * Repository reads on GitHub: `GET /repos/{o}/{r}/branches/{b}`, the contents API (raw, at a ref), the repository's
 * `clone_url`, `GET /pulls?head=owner:branch&state=all` and `GET /git/matching-refs/heads/{prefix}` (every page), and a
 * conversation comment (`POST /issues/{n}/comments`, never repeated).
 */
export function createGitHubRepositoryReader(run: RunInRepo, perPage: number): RepositoryReader {
  return {
    async branchHead(repoRef, branch) {
      return run(repoRef, `reading branch ${branch} of ${repoRef.projectPath}`, async (api, repo) => {
        try {
          return (await api.rest.repos.getBranch({ ...repo, branch })).data.commit.sha;
        } catch (error) {
          if (missingBranch(error)) return undefined;
          throw error;
        }
      });
    },

    async readRepositoryFile(repoRef, path, sha) {
      return run(repoRef, `reading ${path} at ${sha.slice(0, 12)} in ${repoRef.projectPath}`, async (api, repo) => {
        try {
          const { data } = await api.rest.repos.getContent({ ...repo, path, ref: sha, mediaType: { format: 'raw' } });
          // The raw media type answers the bytes: text, or an ArrayBuffer when GitHub does not call it text.
          const raw: unknown = data;
          if (typeof raw === 'string') return raw;
          if (raw instanceof ArrayBuffer) return new TextDecoder().decode(raw);
          throw new ForgeError('ERR_FORGE_INVALID', `${path} is not a file`);
        } catch (error) {
          if (error instanceof RequestError && error.status === 404) return undefined;
          throw error;
        }
      });
    },

    async cloneUrl(repoRef) {
      return run(repoRef, `reading repository ${repoRef.projectPath}`, async (api, repo) => (await api.rest.repos.get(repo)).data.clone_url);
    },

    async changesFromBranch(repoRef, branch) {
      return run(repoRef, `listing pull requests from ${branch} in ${repoRef.projectPath}`, async (api, repo) => {
        // `owner:branch` names this repository's branch (a fork's would be `fork-owner:branch`); newest first by default.
        const pulls = await api.paginate(api.rest.pulls.list, { ...repo, head: `${repo.owner}:${branch}`, state: 'all', per_page: perPage });
        return pulls
          .filter((pull) => pull.head.ref === branch)
          .map((pull): BranchChange => ({
            ref: { forge: 'github', projectId: repoRef.projectId, projectPath: repoRef.projectPath, number: pull.number },
            webUrl: pull.html_url,
            state: pull.merged_at ? 'merged' : pull.state === 'open' ? 'open' : 'closed',
            branch: pull.head.ref,
            ...(pull.merged_at ? { mergedAt: pull.merged_at } : {}),
          }));
      });
    },

    async branchesWithPrefix(repoRef, prefix) {
      return run(repoRef, `listing branches starting with ${prefix} in ${repoRef.projectPath}`, async (api, repo) => {
        try {
          const refs = await api.paginate(api.rest.git.listMatchingRefs, { ...repo, ref: `heads/${prefix}`, per_page: perPage });
          return refs
            .map((ref) => ref.ref)
            .filter((ref) => ref.startsWith(`${HEADS}${prefix}`))
            .map((ref) => ref.slice(HEADS.length))
            .sort();
        } catch (error) {
          if (emptyRepository(error)) return [];
          throw error;
        }
      });
    },

    async postNote(ref, body) {
      return run(ref, `commenting on ${ref.projectPath}#${ref.number}`, async (api, repo) => {
        const { data } = await api.rest.issues.createComment({ ...repo, issue_number: ref.number, body, ...ONCE });
        return { id: String(data.id) };
      });
    },
  };
}
