import type { RelatedWork } from './review-memory.js';
import { safeCode, safeLine } from './safe-markdown.js';

/** Shared paths named per related change before "… and N more". */
const LISTED_PATHS = 3;

/**
 * The summary's "Related" section: recent merged changes that touched the same files, and the issues the description
 * links. Titles, references and paths come from the forge and the description: rendered inert (a reference never
 * becomes a live cross-reference, so forgebot does not mention those changes and issues on every re-review).
 */
export function relatedSection(related: RelatedWork | undefined, forge: 'gitlab' | 'github' | undefined): string[] {
  if (!related || (related.changes.length === 0 && related.issues.length === 0)) return [];
  const sigil = forge === 'gitlab' ? '!' : '#';
  const lines = ['', '**Related**', ''];
  for (const change of related.changes) {
    const shown = change.paths.slice(0, LISTED_PATHS).map(safeCode).join(', ');
    const more = change.paths.length > LISTED_PATHS ? ` and ${change.paths.length - LISTED_PATHS} more` : '';
    const merged = change.mergedAt ? ` · merged ${safeLine(change.mergedAt.slice(0, 10))}` : '';
    const shares = shown === '' ? '' : ` · also changed ${shown}${more}`;
    lines.push(`- ${safeLine(`${sigil}${change.number}`)} ${safeLine(change.title)}${merged}${shares}`);
  }
  for (const issue of related.issues) {
    const title = issue.title === undefined ? ' _(could not be read)_' : ` ${safeLine(issue.title)}`;
    const state = issue.state ? ` · ${safeLine(issue.state)}` : '';
    lines.push(`- Linked issue ${safeLine(issue.reference)}${title}${state}`);
  }
  return lines;
}
