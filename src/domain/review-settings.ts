import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

/** Where a repository keeps its forgebot settings (read from the target branch, never the change's head). */
export const REPO_SETTINGS_PATH = '.forgebot.yml';
const MAX_SETTINGS_BYTES = 16_000;

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
  return fail(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`));
}
