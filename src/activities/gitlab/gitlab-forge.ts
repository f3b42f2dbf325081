import type { ChangeRef } from '../../domain/change-ref.js';
import type { ChangeSnapshot } from '../../domain/change-snapshot.js';
import { fingerprintIn, SUMMARY_MARKER } from '../../domain/render.js';
import type { Forge, InlineCommentTarget } from '../forge.js';
import type { GitLabClient } from './gitlab-client.js';
import { toForgeError } from './gitlab-errors.js';

const PER_PAGE = 100;

async function attempt<T>(doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toForgeError(error, doing);
  }
}

function mrState(state: string): ChangeSnapshot['state'] {
  return state === 'merged' || state === 'closed' || state === 'locked' ? state : 'opened';
}

/** The `Forge` for GitLab, through gitbeaker. `api` is built by the caller (see createGitLabClient). */
export function createGitLabForge(api: GitLabClient): Forge {
  return {
    async getChange(ref: ChangeRef): Promise<ChangeSnapshot> {
      const where = `reading merge request ${ref.projectPath}!${ref.number}`;
      return attempt(where, async () => {
        const [project, mr, versions] = await Promise.all([
          api.Projects.show(ref.projectId),
          api.MergeRequests.show(ref.projectId, ref.number),
          api.MergeRequests.allDiffVersions(ref.projectId, ref.number),
        ]);
        const latest = versions[0];
        if (!latest) throw new Error('the merge request has no diff version yet');
        const diffs = await api.MergeRequests.allDiffs(ref.projectId, ref.number, { perPage: PER_PAGE });
        return {
          ref,
          title: mr.title,
          description: mr.description ?? '',
          state: mrState(mr.state),
          draft: mr.draft === true || mr.work_in_progress === true,
          baseSha: latest.base_commit_sha,
          startSha: latest.start_commit_sha,
          headSha: latest.head_commit_sha,
          targetBranch: mr.target_branch,
          cloneUrl: String(project.http_url_to_repo),
          files: diffs.map((diff) => ({
            oldPath: diff.old_path,
            newPath: diff.new_path,
            newFile: diff.new_file,
            deletedFile: diff.deleted_file,
            renamedFile: diff.renamed_file,
            diff: diff.diff,
          })),
        };
      });
    },

    async upsertSummary(ref, body) {
      return attempt(`posting the summary on ${ref.projectPath}!${ref.number}`, async () => {
        const notes = await api.MergeRequestNotes.all(ref.projectId, ref.number, { perPage: PER_PAGE });
        const existing = notes.find((note) => !note.system && note.body.startsWith(SUMMARY_MARKER));
        if (existing) {
          await api.MergeRequestNotes.edit(ref.projectId, ref.number, existing.id, { body });
          return { id: String(existing.id), created: false };
        }
        const created = await api.MergeRequestNotes.create(ref.projectId, ref.number, body);
        return { id: String(created.id), created: true };
      });
    },

    async postedFindingFingerprints(ref) {
      return attempt(`reading discussions of ${ref.projectPath}!${ref.number}`, async () => {
        const discussions = await api.MergeRequestDiscussions.all(ref.projectId, ref.number, { perPage: PER_PAGE });
        const fingerprints = new Set<string>();
        for (const discussion of discussions) {
          const fingerprint = fingerprintIn(discussion.notes?.[0]?.body ?? '');
          if (fingerprint) fingerprints.add(fingerprint);
        }
        return fingerprints;
      });
    },

    async postInlineComment(ref, target: InlineCommentTarget, body) {
      return attempt(`commenting on ${target.newPath} in ${ref.projectPath}!${ref.number}`, async () => {
        const discussion = await api.MergeRequestDiscussions.create(ref.projectId, ref.number, body, {
          position: {
            baseSha: target.refs.baseSha,
            startSha: target.refs.startSha,
            headSha: target.refs.headSha,
            positionType: 'text',
            oldPath: target.oldPath,
            newPath: target.newPath,
            ...(target.position.newLine !== undefined ? { newLine: String(target.position.newLine) } : {}),
            ...(target.position.oldLine !== undefined ? { oldLine: String(target.position.oldLine) } : {}),
          },
        });
        return { id: String(discussion.id) };
      });
    },
  };
}
