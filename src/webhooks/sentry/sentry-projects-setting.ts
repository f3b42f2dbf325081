import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { SentryProjectMappings, type SentryProjectMapping } from '../../domain/sentry/project-mapping.js';

const MAX_FILE_BYTES = 1_000_000;

type Source = { ok: true; data: unknown } | { ok: false; problem: string };

/** The mapping document: inline JSON, or `@<path>` to a `.json`, `.yml` or `.yaml` file (relative to the working directory). */
function readSource(value: string): Source {
  const text = value.trim();
  if (!text.startsWith('@')) {
    try {
      return { ok: true, data: JSON.parse(text) };
    } catch {
      // JSON.parse's message quotes the text: never echoed.
      return { ok: false, problem: 'is not valid JSON (a JSON array of mappings, or @/path/to/file.json|.yml)' };
    }
  }
  const path = resolve(text.slice(1));
  const kind = extname(path).toLowerCase();
  if (!['.json', '.yml', '.yaml'].includes(kind)) return { ok: false, problem: `file ${path} must end in .json, .yml or .yaml` };
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, problem: `cannot read file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (Buffer.byteLength(content) > MAX_FILE_BYTES) return { ok: false, problem: `file ${path} is larger than ${MAX_FILE_BYTES} bytes` };
  try {
    return { ok: true, data: kind === '.json' ? JSON.parse(content) : parseYaml(content, { maxAliasCount: 10 }) };
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` (${error.message.split('\n')[0]})` : '';
    return { ok: false, problem: `file ${path} is not valid ${kind === '.json' ? 'JSON' : 'YAML'}${where}` };
  }
}

/** `[2] (acme/web) forge` — which entry a problem is in, by position and, when it has them, its slugs. */
function entryLabel(data: unknown, path: readonly PropertyKey[]): string {
  const [index, ...rest] = path;
  if (typeof index !== 'number') return path.join('.') || '(list)';
  const entry: unknown = Array.isArray(data) ? data[index] : undefined;
  const slugs = entry !== null && typeof entry === 'object' ? [(entry as Record<string, unknown>).org, (entry as Record<string, unknown>).project] : [];
  const named = slugs.every((slug) => typeof slug === 'string' && /^[\w.-]{1,100}$/.test(slug)) ? ` (${slugs.join('/')})` : '';
  return `[${index}]${named}${rest.length > 0 ? ` ${rest.join('.')}` : ''}`;
}

/** Problems a single entry's schema cannot see: a repository id of the wrong forge's shape, a project mapped twice. */
function crossChecks(mappings: readonly SentryProjectMapping[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  mappings.forEach((mapping, index) => {
    const label = `[${index}] (${mapping.org}/${mapping.project})`;
    if (mapping.forge === 'gitlab' && typeof mapping.projectId !== 'number') problems.push(`${label} projectId: a GitLab project id is a number`);
    if (mapping.forge === 'github' && (typeof mapping.projectId !== 'string' || mapping.projectId.toLowerCase() !== mapping.projectPath.toLowerCase())) {
      problems.push(`${label} projectId: a GitHub projectId is owner/repo, the same as projectPath`);
    }
    const key = `${mapping.org}/${mapping.project}`.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${label}: the same Sentry project as [${first}] (slugs compare case-insensitively)`);
    else seen.set(key, index);
  });
  return problems;
}

/**
 * SENTRY_PROJECTS: a JSON array of SentryProjectMapping, or `@/path/to/file.json|.yml|.yaml`. Every problem is its own
 * issue (reported together at start), named by the entry's position and slugs; no value is ever echoed.
 */
export const SentryProjectsSetting = z.string().transform((value, ctx): SentryProjectMapping[] => {
  const source = readSource(value);
  if (!source.ok) {
    ctx.addIssue({ code: 'custom', message: source.problem });
    return z.NEVER;
  }
  const parsed = SentryProjectMappings.safeParse(source.data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${entryLabel(source.data, issue.path)}: ${issue.message}` });
    return z.NEVER;
  }
  for (const problem of crossChecks(parsed.data)) ctx.addIssue({ code: 'custom', message: problem });
  return parsed.data;
});
