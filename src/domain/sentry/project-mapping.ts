import { z } from 'zod';

/** Error types a fix is attempted for when a mapping names none: mistakes in code, not in the world outside it. */
export const DEFAULT_FIXABLE_ERROR_TYPES = [
  'TypeError',
  'ReferenceError',
  'RangeError',
  'AttributeError',
  'KeyError',
  'IndexError',
  'ValueError',
  'ZeroDivisionError',
  'UnboundLocalError',
  'NullPointerException',
  'ArrayIndexOutOfBoundsException',
  'IllegalArgumentException',
  'NoMethodError',
  'ArgumentError',
] as const;

/** `from` (a prefix of a frame's path, e.g. `/app/` or `webpack:///./`) becomes `to` (a prefix in the repository). */
export const PathRewrite = z.object({ from: z.string().min(1).max(500), to: z.string().max(500) }).strict();
export type PathRewrite = z.infer<typeof PathRewrite>;

/**
 * Which repository a Sentry project's errors are fixed in, and the guardrails of that project. Configured by an
 * operator (`SENTRY_PROJECTS`): an unmapped project is acknowledged, logged and counted, never guessed.
 */
export const SentryProjectMapping = z
  .object({
    /** Sentry organization slug. */
    org: z.string().regex(/^[\w.-]{1,100}$/),
    /** Sentry project slug. */
    project: z.string().regex(/^[\w.-]{1,100}$/),
    forge: z.enum(['gitlab', 'github']),
    /** GitLab numeric project id; GitHub `owner/repo`. */
    projectId: z.union([z.number().int().positive(), z.string().regex(/^[\w.-]+\/[\w.-]+$/)]),
    /** `group/app` on GitLab, `owner/repo` on GitHub. */
    projectPath: z.string().min(1).max(500),
    defaultBranch: z.string().min(1).max(250).default('main'),
    /** Where the code the frames point at lives in the repository (`''`: its root; `services/api`). */
    sourceRoot: z.string().max(500).default(''),
    /** Tried in order; the first whose `from` prefixes a frame's path is applied, then `sourceRoot` is prefixed. */
    pathRewrites: z.array(PathRewrite).max(20).default([]),
    /** Exception types a fix is attempted for (exact names); absent: DEFAULT_FIXABLE_ERROR_TYPES. */
    errorTypes: z.array(z.string().min(1).max(200)).max(100).optional(),
    /** Analyse and draft the patch, post it on Sentry, but push no branch and open no change. */
    dryRun: z.boolean().default(false),
    minEvents: z.number().int().min(1).default(1),
    minUsers: z.number().int().min(0).default(0),
    /** Fix attempts (runs that reach the model) per repository per UTC day. */
    dailyAttempts: z.number().int().min(0).default(5),
    /** Analysis confidence below which no fix is attempted. */
    minConfidence: z.number().min(0).max(1).default(0.7),
    /** The `.forgebot.yml` command that runs the tests (before and after the fix). */
    testCommand: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/).default('test'),
    /** Scope limits of a fix (tighter than the repository's own, never wider). */
    maxFiles: z.number().int().min(1).max(50).default(5),
    maxLines: z.number().int().min(1).max(2_000).default(200),
    labels: z.array(z.string().min(1).max(100)).max(10).default(['forgebot', 'sentry']),
    /** Approve marks the change ready; with this it is also merged (when the pipeline passed). */
    mergeOnApprove: z.boolean().default(false),
    /** People who must approve the merge gate (2: the change's author cannot be the only one). */
    approvals: z.number().int().min(1).max(2).default(1),
  })
  .strict();
export type SentryProjectMapping = z.infer<typeof SentryProjectMapping>;

export const SentryProjectMappings = z.array(SentryProjectMapping).max(500);
export type SentryProjectMappings = z.infer<typeof SentryProjectMappings>;

/** The mapping of a Sentry project (slugs compare case-insensitively), or undefined: never guessed. */
export function findSentryMapping(mappings: readonly SentryProjectMapping[], org: string, project: string): SentryProjectMapping | undefined {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return mappings.find((mapping) => same(mapping.org, org) && same(mapping.project, project));
}

/** The error types a mapping allows. */
export function allowedErrorTypes(mapping: SentryProjectMapping): readonly string[] {
  return mapping.errorTypes ?? DEFAULT_FIXABLE_ERROR_TYPES;
}

/**
 * The repository path of a frame's file, or undefined when no rewrite applies and the path is absolute or outside
 * the repository (`..`). Does not check that the file exists.
 */
export function repositoryPathOf(mapping: SentryProjectMapping, framePath: string): string | undefined {
  const rewrite = mapping.pathRewrites.find((candidate) => framePath.startsWith(candidate.from));
  let path = rewrite ? rewrite.to + framePath.slice(rewrite.from.length) : framePath;
  path = path.replace(/^(\.\/)+/, '');
  if (!rewrite && (path.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(path))) return undefined;
  path = path.replace(/^\/+/, '');
  const root = mapping.sourceRoot.replace(/^\/+|\/+$/g, '');
  const joined = root === '' ? path : `${root}/${path}`;
  const parts = joined.split('/');
  if (parts.some((part) => part === '..' || part === '') || joined.length > 1_000) return undefined;
  return joined;
}
