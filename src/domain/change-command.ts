import { z } from 'zod';
import { AccessLevel } from './access-level.js';

/** What a person asks of forgebot in a comment on a change (`/claude <verb> …`; the trigger is configurable). */
export const CommandVerb = z.enum(['review', 'explain', 'suggest', 'revise', 'approve', 'reject', 'pause', 'resume', 'learn', 'help']);
export type CommandVerb = z.infer<typeof CommandVerb>;

/**
 * The access each verb needs by default: commands that cost tokens or change state need write; gates need maintain.
 * `revise` is write: it costs tokens and adds a commit to forgebot's own branch, but merges nothing (the merge gate
 * still needs an approver's access), as a Developer may push to a branch and not merge.
 */
export const DEFAULT_COMMAND_ACCESS: Readonly<Record<CommandVerb, AccessLevel>> = {
  review: 'write',
  explain: 'write',
  suggest: 'write',
  revise: 'write',
  pause: 'write',
  resume: 'write',
  help: 'read',
  /** Proposing a learning, or listing them; accepting and removing one needs the gates' access (command-access.ts). */
  learn: 'write',
  approve: 'maintain',
  reject: 'maintain',
};

/** A parsed command: the verb and the rest of its line (untrusted text). */
export const ParsedCommand = z.object({
  verb: CommandVerb,
  /** `/claude review full` → `full`; `/claude explain src/a.ts:3-9` → `src/a.ts:3-9`; a reject's reason; what a revise asks; a learn's text or action. */
  argument: z.string().max(2_000),
});
export type ParsedCommand = z.infer<typeof ParsedCommand>;

/** Where the note is: a plain note on the change, or a note on diff lines (its thread, path and lines). */
export const NotePlace = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('change') }),
  z.object({
    kind: z.literal('diff'),
    path: z.string().min(1).max(1_000),
    /** New-side line (or old-side for a removed line); a range when the note spans lines. */
    line: z.number().int().min(1).optional(),
    startLine: z.number().int().min(1).optional(),
  }),
]);
export type NotePlace = z.infer<typeof NotePlace>;

/**
 * A comment on a change addressed to forgebot, as the webhook receiver hands it to the change's review workflow
 * (`changeCommandSignal`). The author is who the forge says wrote it; what they may do is checked through the forge
 * API by the workflow's activity when the command is taken, never from the payload (`author_association` is no proof).
 */
export const ChangeCommand = z.object({
  command: ParsedCommand,
  /** The note's id (GitLab note id; GitHub comment id) and its kind: reactions and dedupe. */
  noteId: z.string().min(1).max(40),
  noteKind: z.enum(['note', 'issue-comment', 'review-comment']),
  /** The thread to answer in (GitLab discussion id; GitHub: the review comment's thread root id, or none for a PR comment). */
  threadId: z.string().min(1).max(80).optional(),
  place: NotePlace,
  author: z.object({
    /** GitLab user id; GitHub user id. */
    id: z.number().int().positive(),
    /** GitLab username; GitHub login. */
    username: z.string().min(1).max(100),
  }),
  /** A link to the note (shown with a decision). */
  noteUrl: z.string().url().max(2_000).optional(),
  /** When the note was written (ISO). */
  createdAt: z.string().max(40).optional(),
  /** The delivery's id (logs). */
  deliveryId: z.string().max(200).optional(),
});
export type ChangeCommand = z.infer<typeof ChangeCommand>;

/**
 * A person's note without a command in a thread on the diff (GitLab: a note of a diff discussion; GitHub: a review
 * comment that replies to another). It may answer one of forgebot's finding threads: the review workflow finds out
 * through the forge's API (the thread's first note must be forgebot's own, by user id) before it does anything.
 */
export const ThreadReply = ChangeCommand.omit({ command: true }).extend({
  threadId: z.string().min(1).max(80),
  /** The note's text (untrusted), capped. */
  body: z.string().min(1).max(10_000),
});
export type ThreadReply = z.infer<typeof ThreadReply>;

/** A note forgebot answers: a command, or a reply (no command) in a diff thread. */
export type Noted = ChangeCommand | ThreadReply;

/** The verb a note asks for (`reply` for a reply without a command). */
export function verbOf(noted: Noted): CommandVerb | 'reply' {
  return 'command' in noted ? noted.command.verb : 'reply';
}
