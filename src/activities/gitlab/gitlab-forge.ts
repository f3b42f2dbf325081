import type { ChangeRef } from '../../domain/change-ref.js';
import type { ChangedFile, ChangeSnapshot } from '../../domain/change-snapshot.js';
import { fingerprintIn, parseInlineComment, raisedByIn, SUMMARY_MARKER } from '../../domain/render.js';
import type { Logger } from '../../logger.js';
import { ForgeError, type FindingThread, type FindingThreadNotes, type FullForge, type InlineCommentTarget } from '../forge.js';
import { createGitLabBranchAuthor } from './gitlab-author.js';
import { createGitLabChangeAuthor } from './gitlab-changes.js';
import type { GitLabClient } from './gitlab-client.js';
import { createGitLabContext } from './gitlab-context.js';
import { createGitLabContributors } from './gitlab-contributors.js';
import { createGitLabConversation } from './gitlab-conversation.js';
import { gitlabAnswer, toForgeError } from './gitlab-errors.js';
import { createGitLabPeople, createGitLabUsers, type GitLabUsers } from './gitlab-people.js';
import { createGitLabPipelines } from './gitlab-pipelines.js';
import { createGitLabRelatedWork } from './gitlab-related.js';
import { createGitLabRepositoryReader } from './gitlab-repository.js';

export interface GitLabForgeOptions {
  /** Page size for lists (GitLab's maximum is 100). */
  perPage?: number;
  /** How often to re-read a change that got a new diff version while it was being read. Default 3. */
  maxReadAttempts?: number;
  /** Strings (e.g. the token) scrubbed from error messages, on top of token-shaped strings. */
  secrets?: readonly string[];
  logger?: Logger;
}

interface DiffLike {
  old_path: string;
  new_path: string;
  new_file: boolean;
  deleted_file: boolean;
  renamed_file: boolean;
  diff: string;
}

const toChangedFile = (diff: DiffLike): ChangedFile => ({
  oldPath: diff.old_path,
  newPath: diff.new_path,
  newFile: diff.new_file,
  deletedFile: diff.deleted_file,
  renamedFile: diff.renamed_file,
  diff: diff.diff,
});

/** The fields of a discussion note that finding threads are read from. */
interface ThreadNote {
  id: number;
  body: string;
  system?: boolean;
  author: { id: number; username?: string };
  resolved?: boolean;
  resolved_by?: { id: number } | null;
  position?: { new_path?: string; old_path?: string; new_line?: number | null; old_line?: number | null } | null;
}

/** A finding thread from a discussion whose first note forgebot wrote, or undefined. */
function toFindingThread(id: string, note: ThreadNote, userId: number): FindingThread | undefined {
  const fingerprint = fingerprintIn(note.body);
  const parsed = parseInlineComment(note.body);
  const line = note.position?.new_line ?? note.position?.old_line;
  const path = note.position?.new_line ? note.position.new_path : note.position?.old_path;
  if (!fingerprint || !parsed || !line || !path) return undefined;
  const resolved = note.resolved === true;
  const by = resolved && note.resolved_by ? { resolvedByForgebot: note.resolved_by.id === userId } : {};
  return { threadId: id, fingerprint, resolved, ...by, raisedBy: raisedByIn(note.body) ?? ['general'], path, line, ...parsed };
}

/**
 * forgebot's summary: a note by the bot that is not on the diff (GitLab lists diff notes among an MR's notes too) and
 * that starts with the marker. Inline comments, a person's quote, a system note are never it.
 */
/** A discussion id as GitLab makes them (hex): anything else is no thread of this merge request. */
const DISCUSSION_ID = /^[0-9a-f]{1,64}$/i;

/** One discussion, or undefined when the merge request has no such thread (a missing project is still an error). */
async function discussionOf(api: GitLabClient, ref: ChangeRef, discussionId: string) {
  try {
    return await api.MergeRequestDiscussions.show(ref.projectId, ref.number, discussionId);
  } catch (error) {
    const answer = gitlabAnswer(error);
    if (answer?.status === 404 && !/project not found/i.test(answer.message)) return undefined;
    throw error;
  }
}

function isOwnSummary(note: { system: boolean; author: { id: number }; body: string; type?: unknown; position?: unknown }, userId: number): boolean {
  const onDiff = note.type === 'DiffNote' || (note.position !== undefined && note.position !== null);
  return !note.system && !onDiff && note.author.id === userId && note.body.startsWith(SUMMARY_MARKER);
}

function mrState(state: string): ChangeSnapshot['state'] {
  return state === 'merged' || state === 'closed' || state === 'locked' ? state : 'opened';
}

/** GitLab reviewers are user ids; a login is looked up, and an unknown one is refused rather than dropped. */
function reviewerIdsWith(users: GitLabUsers) {
  return (reviewers: ReadonlyArray<number | string>) =>
    Promise.all(
      reviewers.map(async (reviewer) => {
        if (typeof reviewer === 'number') return reviewer;
        const id = await users.idOf(reviewer);
        if (id === undefined) throw new ForgeError('ERR_FORGE_INVALID', `no GitLab user named ${reviewer} to ask for a review`);
        return id;
      }),
    );
}

/**
 * The `Forge` for GitLab, through gitbeaker, with every capability: reading and reviewing changes (here), authoring
 * them (gitlab-author.ts, gitlab-changes.ts, gitlab-pipelines.ts), conversation, people and repository reads
 * (gitlab-repository.ts). `api` is built by the caller (see createGitLabClient).
 */
export function createGitLabForge(api: GitLabClient, options: GitLabForgeOptions = {}): FullForge {
  const perPage = Math.min(options.perPage ?? 100, 100);
  const maxReadAttempts = Math.max(options.maxReadAttempts ?? 3, 1);
  const secrets = options.secrets ?? [];

  async function attempt<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toForgeError(error, doing, secrets);
    }
  }

  /** The token's user: only notes it wrote count as forgebot's (a human may quote a marker). */
  let botUserId: Promise<number> | undefined;
  function ownUserId(): Promise<number> {
    botUserId ??= api.Users.showCurrentUser().then((user) => user.id);
    void botUserId.catch(() => (botUserId = undefined));
    return botUserId;
  }

  /** One consistent read: the diffs are those of the version whose SHAs we return. */
  async function readChange(ref: ChangeRef): Promise<ChangeSnapshot | undefined> {
    const [project, versions] = await Promise.all([
      api.Projects.show(ref.projectId),
      api.MergeRequests.allDiffVersions(ref.projectId, ref.number),
    ]);
    const latest = versions[0];
    if (!latest) throw new ForgeError('ERR_FORGE_UNAVAILABLE', `merge request ${ref.projectPath}!${ref.number} has no diff yet`);
    const diffs = await api.MergeRequests.allDiffs(ref.projectId, ref.number, { perPage });
    const mr = await api.MergeRequests.show(ref.projectId, ref.number);
    // A push between the reads makes a newer version: the diffs may belong to it, so read again.
    const refs = mr.diff_refs as typeof mr.diff_refs | null;
    if (refs?.head_sha !== latest.head_commit_sha || refs.start_sha !== latest.start_commit_sha) return undefined;
    return {
      ref,
      title: mr.title,
      description: mr.description ?? '',
      state: mrState(mr.state),
      draft: Boolean(mr.draft ?? mr.work_in_progress),
      baseSha: latest.base_commit_sha,
      startSha: latest.start_commit_sha,
      headSha: latest.head_commit_sha,
      targetBranch: mr.target_branch,
      cloneUrl: project.http_url_to_repo,
      files: diffs.map(toChangedFile),
      labels: mr.labels.map(String),
    };
  }

  const ctx = createGitLabContext(api, options);
  const users = createGitLabUsers(ctx);
  const repository = createGitLabRepositoryReader(ctx);
  return {
    ...repository,
    ...createGitLabBranchAuthor(ctx),
    ...createGitLabChangeAuthor(ctx, reviewerIdsWith(users)),
    ...createGitLabPipelines(ctx),
    ...createGitLabConversation(ctx),
    ...createGitLabPeople(ctx, users),
    ...createGitLabRelatedWork(ctx),
    ...createGitLabContributors(ctx),

    async getChange(ref) {
      return attempt(`reading merge request ${ref.projectPath}!${ref.number}`, async () => {
        for (let read = 1; read <= maxReadAttempts; read++) {
          const snapshot = await readChange(ref);
          if (snapshot) return snapshot;
          options.logger?.info({ project: ref.projectPath, mr: ref.number, read }, 'merge request changed while it was read; reading again');
        }
        throw new ForgeError('ERR_FORGE_UNAVAILABLE', `merge request ${ref.projectPath}!${ref.number} kept changing while it was read`);
      });
    },

    async upsertSummary(ref, body) {
      return attempt(`posting the summary on ${ref.projectPath}!${ref.number}`, async () => {
        const [userId, notes] = await Promise.all([
          ownUserId(),
          api.MergeRequestNotes.all(ref.projectId, ref.number, { perPage, sort: 'desc', orderBy: 'created_at' }),
        ]);
        const existing = notes.find((note) => isOwnSummary(note, userId));
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
        const [userId, discussions] = await Promise.all([ownUserId(), api.MergeRequestDiscussions.all(ref.projectId, ref.number, { perPage })]);
        const fingerprints = new Set<string>();
        for (const discussion of discussions) {
          // forgebot's finding is the first note of a diff thread it started; its marker is that note's last line.
          const first = discussion.notes?.[0];
          const fingerprint = first && first.author.id === userId && first.type === 'DiffNote' ? fingerprintIn(first.body) : undefined;
          if (fingerprint) fingerprints.add(fingerprint);
        }
        return fingerprints;
      });
    },

    // A change's file is its repository's file at that commit.
    readFile: repository.readRepositoryFile,

    async findingThreads(ref) {
      return attempt(`reading discussions of ${ref.projectPath}!${ref.number}`, async () => {
        const [userId, discussions] = await Promise.all([ownUserId(), api.MergeRequestDiscussions.all(ref.projectId, ref.number, { perPage })]);
        const threads: FindingThread[] = [];
        for (const discussion of discussions) {
          const first = discussion.notes?.[0] as ThreadNote | undefined;
          const thread = first && first.author.id === userId ? toFindingThread(discussion.id, first, userId) : undefined;
          if (thread) threads.push(thread);
        }
        return threads;
      });
    },

    async findingThread(ref, threadId): Promise<FindingThreadNotes | undefined> {
      if (!DISCUSSION_ID.test(threadId)) return undefined;
      return attempt(`reading a thread of ${ref.projectPath}!${ref.number}`, async () => {
        const [userId, discussion] = await Promise.all([ownUserId(), discussionOf(api, ref, threadId)]);
        // forgebot's finding, exactly as findingThreads decides: its own first note, with the marker as its last line.
        const notes = (discussion?.notes ?? []) as ThreadNote[];
        const first = notes[0];
        const finding = discussion && first && first.author.id === userId ? toFindingThread(discussion.id, first, userId) : undefined;
        if (!finding) return undefined;
        return {
          finding,
          notes: notes
            .filter((note) => note.system !== true)
            .map((note) => ({ noteId: String(note.id), authorId: note.author.id, author: note.author.username ?? `user ${note.author.id}`, byForgebot: note.author.id === userId, body: note.body })),
        };
      });
    },

    async resolveThread(ref, threadId) {
      await attempt(`resolving a thread on ${ref.projectPath}!${ref.number}`, () => api.MergeRequestDiscussions.resolve(ref.projectId, ref.number, threadId, true));
    },

    async postInlineComment(ref, target: InlineCommentTarget, body) {
      return attempt(`commenting on ${target.newPath} in ${ref.projectPath}!${ref.number}`, async () => {
        const { newLine, oldLine } = target.position;
        const discussion = await api.MergeRequestDiscussions.create(ref.projectId, ref.number, body, {
          position: {
            positionType: 'text',
            baseSha: target.refs.baseSha,
            startSha: target.refs.startSha,
            headSha: target.refs.headSha,
            oldPath: target.oldPath,
            newPath: target.newPath,
            ...(newLine !== undefined ? { newLine: String(newLine) } : {}),
            ...(oldLine !== undefined ? { oldLine: String(oldLine) } : {}),
          },
        });
        return { id: discussion.id };
      });
    },
  };
}
