import type { Conversation } from '../forge.js';
import type { GitLabContext } from './gitlab-context.js';
import { gitlabAnswer, toForgeError } from './gitlab-errors.js';

/** GitLab's answer when this user already gave this award: `404 Award Emoji Name has already been taken`. */
const ALREADY_AWARDED = /has already been taken/i;

/** Replies in merge request discussions and reacts to notes. */
export function createGitLabConversation(ctx: GitLabContext): Conversation {
  const { api } = ctx;
  return {
    async replyInThread(ref, threadId, body) {
      return ctx.attempt(`replying in a thread of ${ref.projectPath}!${ref.number}`, async () => {
        const note = await api.MergeRequestDiscussions.addNote(ref.projectId, ref.number, threadId, body);
        return { id: String(note.id) };
      });
    },

    async addReaction(ref, target, emoji) {
      try {
        await api.MergeRequestNoteAwardEmojis.award(ref.projectId, ref.number, Number(target.noteId), emoji);
      } catch (error) {
        const answer = gitlabAnswer(error);
        if (answer?.status === 404 && ALREADY_AWARDED.test(answer.message)) return;
        throw toForgeError(error, `reacting :${emoji}: to note ${target.noteId} on ${ref.projectPath}!${ref.number}`, ctx.secrets);
      }
    },
  };
}
