import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { DEFAULT_PIPELINE, PipelineSettings } from './pipeline-settings.js';

/** Where a repository keeps its forgebot settings (read from the target branch, never the change's head). */
export const REPO_SETTINGS_PATH = '.forgebot.yml';
const MAX_SETTINGS_BYTES = 16_000;

/** A command's name in `commands:` (what the agent passes to run_command). */
export const CommandName = z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, 'a command name: lower-case letters, digits, - and _, starting with a letter, at most 31 characters');
const MAX_COMMANDS = 20;

const DEFAULT_CHANGE_LIMITS = { max_files: 20, max_lines: 500, protected_paths: [], command_timeout_seconds: 300 };

/** `changes:`: how much an agent may change, and what it may never touch (besides .git, CI definitions and this file). */
export const ChangeLimits = z
  .object({
    /** Files added, changed or deleted, at most. */
    max_files: z.number().int().min(1).max(1_000).default(DEFAULT_CHANGE_LIMITS.max_files),
    /** Lines added + deleted (as `git diff --numstat` counts them), at most. */
    max_lines: z.number().int().min(1).max(100_000).default(DEFAULT_CHANGE_LIMITS.max_lines),
    /** Globs (`infra/**`, `*.lock`) of paths an agent may not write or delete. */
    protected_paths: z.array(z.string().min(1).max(200)).max(100).default([]),
    /** A declared command is killed after this long. */
    command_timeout_seconds: z.number().int().min(1).max(1_800).default(DEFAULT_CHANGE_LIMITS.command_timeout_seconds),
  })
  .strict();
export type ChangeLimits = z.infer<typeof ChangeLimits>;

/** `.forgebot.yml`: strict, so a misspelt key is reported instead of silently ignored. */
export const RepoSettings = z
  .object({
    reviewer: z
      .object({
        /** false: the change gets a note saying reviews are off, and no agent runs. */
        enabled: z.boolean().default(true),
        /** Findings below this confidence are hidden (counted in the summary). */
        min_confidence: z.number().min(0).max(1).default(0.6),
        /** At most this many findings are shown, most severe first; the rest are counted. */
        max_findings: z.number().int().min(0).max(100).default(20),
        /** Nits are hidden unless this is true. */
        include_nits: z.boolean().default(false),
        /** Language of the review's comments, e.g. `English`, `Deutsch`, `français`. */
        language: z
          .string()
          .regex(/^[\p{L}][\p{L} ()-]{1,39}$/u, 'a language name such as English or Deutsch')
          .default('English'),
      })
      .strict()
      .default({ enabled: true, min_confidence: 0.6, max_findings: 20, include_nits: false, language: 'English' }),
    /** Globs (`docs/**`, `*.snap`) of changed files that are not reviewed (listed in the summary as ignored). */
    ignore_paths: z.array(z.string().min(1).max(200)).max(100).default([]),
    /** Commands an agent that changes code may run by name (`test: npm test`); it can run nothing else. */
    commands: z
      .record(CommandName, z.string().min(1).max(2_000))
      .refine((commands) => Object.keys(commands).length <= MAX_COMMANDS, `at most ${MAX_COMMANDS} commands`)
      .default({}),
    /** Scope limits of an agent that changes code, enforced by its tools. */
    changes: ChangeLimits.default(DEFAULT_CHANGE_LIMITS),
    /** Which reviewers (general, specialists) look at a change, routed by paths, labels and size. */
    pipeline: PipelineSettings.default(DEFAULT_PIPELINE),
  })
  .strict();
export type RepoSettings = z.infer<typeof RepoSettings>;

export const DEFAULT_REPO_SETTINGS: RepoSettings = RepoSettings.parse({});

export interface ParsedRepoSettings {
  settings: RepoSettings;
  /** What was wrong with the file (the defaults are used then): shown on the change. */
  problems: string[];
}

/** Parses `.forgebot.yml` text (undefined: no file). Any problem → every default, and the problems listed. */
export function parseRepoSettings(text: string | undefined): ParsedRepoSettings {
  if (text === undefined || text.trim() === '') return { settings: DEFAULT_REPO_SETTINGS, problems: [] };
  const fail = (problems: string[]) => ({ settings: DEFAULT_REPO_SETTINGS, problems: problems.map((problem) => `${REPO_SETTINGS_PATH}: ${problem}`) });
  if (new TextEncoder().encode(text).length > MAX_SETTINGS_BYTES) return fail([`larger than ${MAX_SETTINGS_BYTES} bytes`]);
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 10 });
  } catch (error) {
    return fail([error instanceof YAMLParseError ? `not valid YAML (${error.message.split('\n')[0]})` : 'not valid YAML']);
  }
  const parsed = RepoSettings.safeParse(data ?? {});
  if (parsed.success) return { settings: parsed.data, problems: [] };
  return fail(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issueMessage(issue)}`));
}

/** A record key's issue says why the key is wrong (zod's own message is only "Invalid key in record"). */
function issueMessage(issue: z.core.$ZodIssue): string {
  const inner = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
  return inner === undefined ? issue.message : `${issue.message} (${inner})`;
}
