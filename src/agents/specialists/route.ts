// Which reviewers look at a change. Pure: the changed files with their line counts, the change's labels and the
// repository's `pipeline:` settings in, the plan out.
//
// The rules, in order:
// 1. general runs on every change (reason `default`), unless `.forgebot.yml` says `when: never`.
// 2. `when: never` keeps a specialist out whatever else applies (named in notRun when it would have run).
// 3. `when: always`, or one of its labels on the change (its defaults plus `labels:`), brings a specialist in
//    whatever the size of the change.
// 4. Otherwise (`auto`), a change with fewer changed lines than `single_reviewer_below_lines` gets general alone;
//    a larger one brings in each specialist whose files (its globs: `paths:`, else the catalog's) have at least
//    its `min_changed_lines`. An `opt-in` specialist of the catalog needs `paths:` for this.
// 5. At most `max_specialists` run, in this priority: general; then those brought in by `always` or a label (in
//    catalog order); then security; then the rest by the changed lines in their files, most first, except that a
//    specialist whose files are "any file" (docs, by default) comes after those with globs of their own (it would
//    otherwise always lead: every changed line is its). The others are named in notRun with the reason. With general off, the first of that order takes its place; with nothing
//    else routed, general runs after all (a review needs a reviewer) and says why.
import type { SpecialistRule } from '../../domain/pipeline-settings.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import { ownPaths, SPECIALISTS } from './catalog.js';
import type { RoutedFile, RouteInput, RoutePlan, RoutedSpecialist } from './contracts.js';

const LANGUAGE_NAMES: Partial<Record<SpecialistName, string>> = { typescript: 'TypeScript/JavaScript', python: 'Python', go: 'Go', php: 'PHP' };

/** A specialist that would run, before the cap. */
interface Candidate {
  name: SpecialistName;
  reason: string;
  /** 0: always or a label; 1: security by its paths; 2: the rest by their globs and size; 3: by size alone. */
  tier: 0 | 1 | 2 | 3;
  /** Changed lines in its files (orders tiers 2 and 3). */
  lines: number;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** `7 changed .py files (214 lines)`: the extensions of a language specialist's files, else what its globs mean. */
function describe(name: SpecialistName, files: readonly RoutedFile[], lines: number, configured: boolean): string {
  const size = `(${plural(lines, 'line')})`;
  if (configured) return `${plural(files.length, 'changed file')} matching its paths in .forgebot.yml ${size}`;
  if (LANGUAGE_NAMES[name] !== undefined) {
    const extensions = [...new Set(files.map((file) => /\.[^./]+$/.exec(file.path)?.[0] ?? file.path))].slice(0, 4).join('/');
    return `${files.length} changed ${extensions} ${files.length === 1 ? 'file' : 'files'} ${size}`;
  }
  if (name === 'security') return `${plural(files.length, 'changed security-sensitive file')} ${size}`;
  if (name === 'performance') return `${plural(files.length, 'changed data-access file')} ${size}`;
  if (name === 'tests') return `${plural(lines, 'changed line')} of non-test source in ${plural(files.length, 'file')}`;
  if (name === 'docs') return `a larger change: ${plural(lines, 'changed line')} in ${plural(files.length, 'file')}`;
  return `${plural(files.length, 'changed file')} ${size}`;
}

/** Reasons are shown in the summary and stored (SpecialistReport.reason: at most 300 characters). */
const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const sameLabel = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Why a specialist would run on this change (ignoring `when: never`), or undefined. */
function candidate(name: SpecialistName, rule: SpecialistRule | undefined, input: RouteInput, small: boolean): Candidate | undefined {
  const spec = SPECIALISTS[name];
  if (rule?.when === 'always') return { name, reason: 'always (.forgebot.yml)', tier: 0, lines: 0 };
  if (name === 'general') return { name, reason: 'default', tier: 0, lines: 0 };
  const labels = [...spec.defaultLabels, ...(rule?.labels ?? [])];
  const label = input.labels.find((onChange) => labels.some((wanted) => sameLabel(onChange, wanted)));
  if (label !== undefined) return { name, reason: clip(`label ${label}`, 120), tier: 0, lines: 0 };
  if (small || (spec.byDefault === 'opt-in' && rule?.paths === undefined)) return undefined;
  const own = new Set(ownPaths(name, input.files.map((file) => file.path), rule?.paths));
  const files = input.files.filter((file) => own.has(file.path));
  const lines = files.reduce((sum, file) => sum + file.changedLines, 0);
  const min = rule?.min_changed_lines ?? spec.defaultMinChangedLines;
  if (files.length === 0 || lines < min) return undefined;
  const globs = rule?.paths ?? spec.defaultPaths;
  return { name, reason: describe(name, files, lines, rule?.paths !== undefined), tier: name === 'security' ? 1 : globs.length === 0 ? 3 : 2, lines };
}

/** The plan's order (see the rules above): general, always/labels, security, then by changed lines (tiers 0 and 1 carry 0). */
function byPriority(a: Candidate, b: Candidate): number {
  const rank = (c: Candidate) => (c.name === 'general' ? -1 : c.tier);
  const order = SpecialistName.options;
  return rank(a) - rank(b) || b.lines - a.lines || order.indexOf(a.name) - order.indexOf(b.name);
}

export function routeSpecialists(input: RouteInput): RoutePlan {
  const { pipeline } = input;
  const totalLines = input.files.reduce((sum, file) => sum + file.changedLines, 0);
  const small = totalLines < pipeline.single_reviewer_below_lines;
  const notRun: RoutePlan['notRun'] = [];
  const routed: Candidate[] = [];
  for (const name of SpecialistName.options) {
    const rule = pipeline.specialists[name];
    const found = candidate(name, rule, input, small);
    if (found === undefined) continue;
    if (rule?.when === 'never') notRun.push({ name, reason: clip(`when: never in .forgebot.yml (would have run: ${found.reason})`) });
    else routed.push(found);
  }
  routed.sort(byPriority);
  if (routed.length === 0) {
    // Only reachable with general off: a review still needs a reviewer.
    const general = notRun.findIndex((entry) => entry.name === 'general');
    if (general >= 0) notRun.splice(general, 1);
    routed.push({ name: 'general', reason: 'no other reviewer was routed, so general runs despite when: never', tier: 0, lines: 0 });
  }
  const running = routed.slice(0, pipeline.max_specialists);
  for (const over of routed.slice(pipeline.max_specialists)) {
    notRun.push({ name: over.name, reason: clip(`over max_specialists (${pipeline.max_specialists}); would have run: ${over.reason}`) });
  }
  const weights = running.map(({ name }) => pipeline.specialists[name]?.budget_share ?? SPECIALISTS[name].defaultShare);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const run = running.map(({ name, reason }, index): RoutedSpecialist => ({
    name,
    model: pipeline.specialists[name]?.model ?? input.model,
    share: (weights[index] ?? 0) / total,
    reason,
  }));
  return { run, notRun };
}
