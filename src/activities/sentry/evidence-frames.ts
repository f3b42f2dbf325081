import { EVIDENCE_LIMITS, type SentryFrame } from '../../domain/sentry/evidence.js';
import { repositoryPathOf, type SentryProjectMapping } from '../../domain/sentry/project-mapping.js';
import type { SentryApiFrame } from './sentry-api-schemas.js';
import { isSensitiveName, scrubCode, scrubText, scrubValue } from './scrub.js';

/** What the extraction of one event shares: the mapping, the secrets, and whether anything was cut. */
export class Trimmer {
  truncated = false;

  constructor(
    readonly mapping: SentryProjectMapping,
    readonly secrets: readonly string[],
  ) {}

  /** `text` scrubbed and cut to `max` (noted). */
  text(text: string, max: number): string {
    const clean = scrubText(text, this.secrets);
    if (clean.length <= max) return clean;
    this.truncated = true;
    return `${clean.slice(0, max - 1)}…`;
  }

  /** A source line: scrubbed as code (scrubCode), cut to `max` (noted). */
  code(text: string, max: number): string {
    const clean = scrubCode(text, this.secrets);
    if (clean.length <= max) return clean;
    this.truncated = true;
    return `${clean.slice(0, max - 1)}…`;
  }

  optional(text: string | null | undefined, max: number): string | undefined {
    return text === null || text === undefined || text === '' ? undefined : this.text(text, max);
  }

  /** The last `max` items (the ones nearest the error), noting a cut. */
  last<T>(items: readonly T[], max: number): T[] {
    if (items.length > max) this.truncated = true;
    return items.slice(-max);
  }
}

const lineNumber = (value: number | null | undefined) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);

/** The frame's source lines as `[number, text]`, from `context` or from `pre_context` / `context_line` / `post_context`. */
function sourceLines(frame: SentryApiFrame, lineNo: number | undefined): Array<[number, string]> {
  if (frame.context && frame.context.length > 0) return frame.context.map(([number, text]): [number, string] => [Math.trunc(number), text ?? '']);
  const pre = frame.pre_context ?? [];
  const post = frame.post_context ?? [];
  if (frame.context_line === null || frame.context_line === undefined) return [];
  const at = lineNo ?? pre.length + 1;
  return [
    ...pre.map((text, index): [number, string] => [at - pre.length + index, text ?? '']),
    [at, frame.context_line],
    ...post.map((text, index): [number, string] => [at + 1 + index, text ?? '']),
  ];
}

/** At most EVIDENCE_LIMITS.contextLines lines, centred on the frame's line. */
function contextOf(frame: SentryApiFrame, lineNo: number | undefined, trim: Trimmer): Array<[number, string]> {
  const lines = sourceLines(frame, lineNo).filter(([number]) => number >= 0);
  const max = EVIDENCE_LIMITS.contextLines;
  let kept = lines;
  if (lines.length > max) {
    trim.truncated = true;
    const at = Math.max(lines.findIndex(([number]) => number === lineNo), 0);
    const start = Math.min(Math.max(at - Math.floor(max / 2), 0), lines.length - max);
    kept = lines.slice(start, start + max);
  }
  return kept.map(([number, text]) => [number, trim.code(text, EVIDENCE_LIMITS.lineChars)]);
}

/** Local variables as short strings; credential-named ones redacted. */
function varsOf(vars: Record<string, unknown> | null | undefined, trim: Trimmer): Record<string, string> | undefined {
  if (!vars) return undefined;
  const entries = Object.entries(vars);
  if (entries.length === 0) return undefined;
  if (entries.length > EVIDENCE_LIMITS.vars) trim.truncated = true;
  const out: Record<string, string> = {};
  for (const [name, value] of entries.slice(0, EVIDENCE_LIMITS.vars)) {
    const shown = isSensitiveName(name) ? '[redacted]' : typeof value === 'string' ? value : (JSON.stringify(scrubValue(value, trim.secrets)) ?? String(value));
    out[trim.text(name, 200)] = trim.text(shown, EVIDENCE_LIMITS.varChars);
  }
  return out;
}

/** The repository path of the first of the frame's paths (absolute, then relative) that the mapping maps. */
function repositoryPathOfFrame(frame: SentryApiFrame, trim: Trimmer): string | undefined {
  for (const candidate of [frame.absPath, frame.abs_path, frame.filename]) {
    if (!candidate) continue;
    const path = repositoryPathOf(trim.mapping, candidate);
    // A path that needed redacting is not one to look up in the repository.
    if (path !== undefined && scrubText(path, trim.secrets) === path) return path;
  }
  return undefined;
}

export function frameFromApi(frame: SentryApiFrame, trim: Trimmer): SentryFrame {
  const lineNo = lineNumber(frame.lineNo ?? frame.lineno);
  const colNo = lineNumber(frame.colNo ?? frame.colno);
  const repositoryPath = repositoryPathOfFrame(frame, trim);
  const fn = trim.optional(frame.function, 500);
  const module = trim.optional(frame.module, 500);
  const vars = varsOf(frame.vars, trim);
  return {
    file: trim.text(frame.absPath ?? frame.abs_path ?? frame.filename ?? '<unknown>', 1_000),
    ...(repositoryPath !== undefined ? { repositoryPath } : {}),
    ...(fn !== undefined ? { function: fn } : {}),
    ...(module !== undefined ? { module } : {}),
    ...(lineNo !== undefined ? { lineNo } : {}),
    ...(colNo !== undefined ? { colNo } : {}),
    inApp: frame.inApp ?? frame.in_app ?? false,
    context: contextOf(frame, lineNo, trim),
    ...(vars !== undefined ? { vars } : {}),
  };
}

/**
 * At most EVIDENCE_LIMITS.frames frames, in Sentry's order (innermost last): the innermost frame, then in-app frames
 * from the innermost outwards, then the others nearest the error. Deep framework stacks lose their outer frames first.
 */
export function framesFromApi(frames: readonly SentryApiFrame[], trim: Trimmer): SentryFrame[] {
  const max = EVIDENCE_LIMITS.frames;
  let chosen = frames.map((_, index) => index);
  if (frames.length > max) {
    trim.truncated = true;
    const inApp = (index: number) => (frames[index]?.inApp ?? frames[index]?.in_app) === true;
    const innermostFirst = chosen.slice().reverse();
    const ranked = [innermostFirst[0] ?? 0, ...innermostFirst.slice(1).filter(inApp), ...innermostFirst.slice(1).filter((index) => !inApp(index))];
    chosen = ranked.slice(0, max).sort((a, b) => a - b);
  }
  return chosen.map((index) => frameFromApi(frames[index] ?? {}, trim));
}
