import { sanitizeUntrusted } from '../../agents/sanitize.js';
import type { KindOutcome, ProposedPattern } from '../../audit/memory/review-memory-store.js';
import { LEARNING_TEXT_MAX } from './learning-proposal.js';

/** How far back a pattern looks: a quarter holds enough changes to see one, and old habits fall out of it. */
export const PATTERN_WINDOW_DAYS = 90;
/** Fewer dismissals than this are anecdotes (a reply-based proposal covers a single one). */
export const PATTERN_MIN_DISMISSED = 3;
/** Dismissals on one change may be one person's mood on one diff: a pattern holds across changes. */
export const PATTERN_MIN_CHANGES = 2;
/**
 * "Few or none fixed": at most this share of the kind's findings with people's word on them was fixed or resolved
 * (1 fixed beside 4 dismissed passes, 2 beside 3 do not): a kind that is often worth it is not to be discouraged.
 */
export const PATTERN_MAX_ACCEPTED_SHARE = 0.2;
/** Who a pattern's learning is by (a maintainer still has to accept it). */
export const PATTERN_AUTHOR = 'forgebot (from outcomes)';

const DISMISSED = new Set(['wont-fix', 'false-positive']);
const ACCEPTED = new Set(['fixed', 'resolved']);

/** A pattern found in the outcomes, with what its learning says. */
export interface OutcomePattern extends Omit<ProposedPattern, 'forge' | 'repository'> {
  wontFix: number;
  falsePositive: number;
  accepted: number;
  /** The changes with a dismissal, in ascending order. */
  changes: number[];
  /** The change of the latest dismissal (the learning's source change). */
  latestChange: number;
  /** The dismissed findings' titles, most frequent first (model text, not yet cleaned). */
  titles: string[];
}

/** The stable key of (specialist, category, directory): the same pattern whatever findings it counts. */
export const patternKey = (specialist: string, category: string, pathPrefix: string): string => `${specialist}:${category}:${pathPrefix}`;

/** The directory every path lies under ('src/legacy/'), '' when they share none (or a path is unknown). */
export function commonDirectory(paths: ReadonlyArray<string | undefined>): string {
  if (paths.length === 0 || paths.some((path) => path === undefined || path === '')) return '';
  const directories = paths.map((path) => (path ?? '').split('/').slice(0, -1));
  const shared: string[] = [];
  for (const [index, segment] of (directories[0] ?? []).entries()) {
    if (!directories.every((directory) => directory[index] === segment)) break;
    shared.push(segment);
  }
  return shared.length === 0 ? '' : `${shared.join('/')}/`;
}

/** Two directories overlap when one lies under the other ('' overlaps every one): the same pattern, said twice. */
export const overlaps = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/**
 * The clear patterns in one repository's outcomes: per specialist and category, the dismissed findings (won't fix,
 * false positive) and the directory they share; a pattern when they are at least PATTERN_MIN_DISMISSED across at least
 * PATTERN_MIN_CHANGES changes and the fixed or resolved findings of that kind under that directory are at most
 * PATTERN_MAX_ACCEPTED_SHARE of both. Ignored findings say nothing either way.
 */
export function outcomePatterns(outcomes: readonly KindOutcome[]): OutcomePattern[] {
  const kinds = new Map<string, KindOutcome[]>();
  for (const outcome of outcomes) {
    const kind = `${outcome.specialist}\u0000${outcome.category}`;
    kinds.set(kind, [...(kinds.get(kind) ?? []), outcome]);
  }
  return [...kinds.values()].flatMap((rows) => {
    const dismissed = rows.filter((row) => DISMISSED.has(row.outcome));
    const changes = [...new Set(dismissed.map((row) => row.changeNumber))].sort((a, b) => a - b);
    const first = dismissed[0];
    if (!first || dismissed.length < PATTERN_MIN_DISMISSED || changes.length < PATTERN_MIN_CHANGES) return [];
    const pathPrefix = commonDirectory(dismissed.map((row) => row.path));
    const accepted = rows.filter((row) => ACCEPTED.has(row.outcome) && (row.path ?? '').startsWith(pathPrefix)).length;
    if (accepted / (accepted + dismissed.length) > PATTERN_MAX_ACCEPTED_SHARE) return [];
    const latest = dismissed.reduce((a, b) => (b.recordedAt > a.recordedAt ? b : a));
    const titleCounts = new Map<string, number>();
    for (const row of dismissed) if (row.title) titleCounts.set(row.title, (titleCounts.get(row.title) ?? 0) + 1);
    return [
      {
        key: patternKey(first.specialist, first.category, pathPrefix),
        specialist: first.specialist,
        category: first.category,
        pathPrefix,
        wontFix: dismissed.filter((row) => row.outcome === 'wont-fix').length,
        falsePositive: dismissed.filter((row) => row.outcome === 'false-positive').length,
        accepted,
        changes,
        latestChange: latest.changeNumber,
        titles: [...titleCounts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([title]) => title),
      },
    ];
  });
}

/** Model or forge text cleaned for a learning: invisible characters, secrets, quotes and markup markers gone, capped. */
function cleaned(text: string, max: number): string {
  const clean = sanitizeUntrusted(text).replace(/[`<>"]/g, '').replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

const MAX_TITLES = 3;
const MAX_CHANGES_NAMED = 8;

/**
 * What a pattern's learning says, e.g. `Maintainers dismissed 4 security findings of the security reviewer about
 * "SQL built from input" in src/legacy/ (false positive ×3, won't fix ×1, on !12, !15, !19): in this repository
 * raise this kind only with concrete evidence.` (`#` for GitHub's changes); at most LEARNING_TEXT_MAX characters.
 */
export function patternLearningText(pattern: OutcomePattern, forge: 'gitlab' | 'github'): string {
  const mark = forge === 'github' ? '#' : '!';
  const where = pattern.pathPrefix !== '' ? ` in ${cleaned(pattern.pathPrefix, 120)}` : '';
  const counts = [pattern.falsePositive > 0 ? `false positive ×${pattern.falsePositive}` : '', pattern.wontFix > 0 ? `won't fix ×${pattern.wontFix}` : ''].filter(Boolean);
  const named = pattern.changes.slice(0, MAX_CHANGES_NAMED).map((change) => `${mark}${change}`);
  const more = pattern.changes.length > MAX_CHANGES_NAMED ? ', …' : '';
  const fixed = pattern.accepted > 0 ? `; ${pattern.accepted} fixed` : '';
  const titles = pattern.titles.map((title) => cleaned(title, 60)).filter((title) => title.length > 0);
  const said = (titleCount: number) => {
    const shown = titles.slice(0, titleCount);
    const about = shown.length > 0 ? ` about ${shown.map((title) => `"${title}"`).join(', ')}` : '';
    return (
      `Maintainers dismissed ${pattern.wontFix + pattern.falsePositive} ${pattern.category} findings of the ${pattern.specialist} reviewer${about}${where} ` +
      `(${counts.join(', ')}, on ${named.join(', ')}${more}${fixed}): in this repository raise this kind only with concrete evidence.`
    );
  };
  // Fewer titles rather than a cut ending: the counts, the changes and the advice are the learning.
  for (let count = MAX_TITLES; count >= 0; count--) {
    const text = said(count);
    if (text.length <= LEARNING_TEXT_MAX) return text;
  }
  return `${said(0).slice(0, LEARNING_TEXT_MAX - 1)}…`;
}
