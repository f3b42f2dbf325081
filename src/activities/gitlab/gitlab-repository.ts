import type { ChangeRef, RepositoryRef } from '../../domain/change-ref.js';
import type { BranchChange, RepositoryReader } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';
import { gitlabAnswer, toForgeError } from './gitlab-errors.js';

/** GitLab's answer for a branch the project lacks (`404 Branch Not Found`); `404 Project Not Found` stays an error. */
const NO_SUCH_BRANCH = /branch not found/i;

/** `opened`, and `locked` (a merge under way, not finished), are open. */
function changeState(state: string): BranchChange['state'] {
  return state === 'merged' ? 'merged' : state === 'closed' ? 'closed' : 'open';
}

const refOf = (repo: RepositoryRef, iid: number): ChangeRef => ({ forge: 'gitlab', projectId: repo.projectId, projectPath: repo.projectPath, number: iid });

/**
 * Repository reads on GitLab: `GET /projects/:id/repository/branches/:branch`, `…/repository/files/:path/raw?ref=`,
 * the project's `http_url_to_repo`, `GET /projects/:id/merge_requests?source_branch=` (every state: the default),
 * `GET …/repository/branches?search=^prefix` (every page), and `POST …/merge_requests/:iid/notes`.
 */
export function createGitLabRepositoryReader(ctx: GitLabContext): RepositoryReader {
  const { api, attempt, perPage } = ctx;
  return {
    async branchHead(repo, branch) {
      try {
        return (await api.Branches.show(repo.projectId, branch)).commit.id;
      } catch (error) {
        const answer = gitlabAnswer(error);
        if (answer?.status === 404 && NO_SUCH_BRANCH.test(answer.message)) return undefined;
        throw toForgeError(error, `reading branch ${branch} of ${repo.projectPath}`, ctx.secrets);
      }
    },

    async readRepositoryFile(repo, path, sha) {
      try {
        const raw: unknown = await api.RepositoryFiles.showRaw(repo.projectId, path, sha);
        return raw instanceof Blob ? await raw.text() : String(raw);
      } catch (error) {
        const failure = toForgeError(error, `reading ${path} at ${sha.slice(0, 12)} in ${repo.projectPath}`, ctx.secrets);
        if (failure.code === 'ERR_FORGE_NOT_FOUND') return undefined;
        throw failure;
      }
    },

    async cloneUrl(repo) {
      return attempt(`reading project ${repo.projectPath}`, async () => (await api.Projects.show(repo.projectId)).http_url_to_repo);
    },

    async changesFromBranch(repo, branch) {
      return attempt(`listing merge requests from ${branch} in ${repo.projectPath}`, async () => {
        const mrs = await api.MergeRequests.all({ projectId: repo.projectId, sourceBranch: branch, orderBy: 'created_at', sort: 'desc', perPage });
        // A fork's merge request into this project may come from a branch of the same name: not ours.
        return mrs
          .filter((mr) => mr.source_branch === branch && mr.source_project_id === mr.target_project_id)
          .map((mr): BranchChange => ({
            ref: refOf(repo, mr.iid),
            webUrl: mr.web_url,
            state: changeState(mr.state),
            branch: mr.source_branch,
            ...(mr.state === 'merged' && mr.merged_at ? { mergedAt: mr.merged_at } : {}),
          }));
      });
    },

    async branchesWithPrefix(repo, prefix) {
      return attempt(`listing branches starting with ${prefix} in ${repo.projectPath}`, async () => {
        // `^term` anchors GitLab's search at the start; the search ignores case, branch names do not.
        const branches = await api.Branches.all(repo.projectId, { search: `^${prefix}`, perPage });
        return branches.map((branch) => branch.name).filter((name) => name.startsWith(prefix)).sort();
      });
    },

    async postNote(ref, body) {
      return attempt(`posting a note on ${ref.projectPath}!${ref.number}`, async () => {
        const note = await api.MergeRequestNotes.create(ref.projectId, ref.number, body);
        return { id: String(note.id) };
      });
    },
  };
}
