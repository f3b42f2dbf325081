import { z } from 'zod';
import { FileChange } from './file-change.js';

/** At most this much of a command's output is kept (its head and its tail). */
export const MAX_COMMAND_OUTPUT_CHARS = 20_000;

/** One run of a command the repository declares (`.forgebot.yml` `commands:`), as the agent's tool ran it. */
export const CommandRun = z.object({
  /** The declared name (`test`). */
  name: z.string().min(1).max(31),
  /** The shell command it stands for (`npm test`). */
  command: z.string().min(1).max(2_000),
  /** null when the command was ended by a signal. */
  exitCode: z.number().int().nullable(),
  /** The signal that ended it (`SIGTERM`, `SIGKILL`). */
  signal: z.string().min(1).max(20).optional(),
  /** It ran past its timeout and its process group was killed. */
  timedOut: z.boolean(),
  durationMs: z.number().int().min(0),
  /** stdout and stderr as they came, its middle cut when long (a note says how much). */
  output: z.string().max(MAX_COMMAND_OUTPUT_CHARS),
  outputTruncated: z.boolean(),
});
export type CommandRun = z.infer<typeof CommandRun>;

/** What an agent changed in the working tree, relative to the commit it started from. */
export const AgentPatch = z.object({
  /** The commit the patch applies to (the task's head SHA). */
  baseSha: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/),
  /** `git diff --binary --full-index` against baseSha: `git apply` takes it, binary files included. */
  patch: z.string(),
  /** The same change as whole files, for a forge's commit API. */
  files: z.array(FileChange),
  filesChanged: z.number().int().min(0),
  /** Lines as `git diff --numstat` counts them (binary files count none). */
  linesAdded: z.number().int().min(0),
  linesDeleted: z.number().int().min(0),
});
export type AgentPatch = z.infer<typeof AgentPatch>;
