import type { Finding, Severity } from '../../domain/finding.js';
import { SpecialistName } from '../../domain/specialist-name.js';
import { globMatcher } from '../glob.js';
import { SPECIALISTS } from './catalog.js';

// Which specialist's words a merged finding keeps: the one that owns the issue. The concern specialists own their
// catalog categories, a language specialist owns its file type (its catalog globs), general owns the rest.

const LANGUAGES: readonly SpecialistName[] = ['typescript', 'python', 'go', 'php'];

/** A language specialist's file types, as the catalog's default globs say (compiled once). */
const LANGUAGE_FILES = new Map(
  LANGUAGES.map((name) => {
    const matchers = SPECIALISTS[name].defaultPaths.map((glob) => globMatcher(glob));
    return [name, (path: string) => matchers.some((matches) => matches(path))] as const;
  }),
);

const SEVERITY_RANK: Record<Severity, number> = { blocker: 0, major: 1, minor: 2, nit: 3 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

/** The catalog's order (general first): ties are broken by it, and raisedBy lists the others in it. */
export function catalogIndex(name: SpecialistName): number {
  return SpecialistName.options.indexOf(name);
}

/**
 * How much `specialist` owns the issue of `finding` (lower owns more): 0 a concern specialist in its category, 1 the
 * language specialist of the file's type, 2 general, 3 anyone else (a specialist outside its field).
 */
export function ownership(specialist: SpecialistName, finding: Pick<Finding, 'category' | 'path'>): number {
  const language = LANGUAGE_FILES.get(specialist);
  if (language) return language(finding.path) ? 1 : 3;
  if (specialist !== 'general' && SPECIALISTS[specialist].categories.includes(finding.category)) return 0;
  return specialist === 'general' ? 2 : 3;
}
