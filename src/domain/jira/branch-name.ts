/** The most characters of a ticket branch's slug (the part after `<KEY>-`). */
export const MAX_SLUG_CHARS = 50;

/** The prefix of every ticket branch (`forgebot/<KEY>-<slug>`). */
export const TICKET_BRANCH_PREFIX = 'forgebot/';

/**
 * The summary as a slug: lower-case ASCII letters and digits joined by single hyphens (accents dropped, anything else
 * a separator), at most MAX_SLUG_CHARS, cut at a word's end when one is near. Safe in any git ref: no dot, slash,
 * space, control or special character can reach it. Pure (the workflow uses it).
 */
export function slugOf(summary: string): string {
  const words = summary
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (words.length <= MAX_SLUG_CHARS) return words;
  const cut = words.slice(0, MAX_SLUG_CHARS + 1);
  const lastBreak = cut.lastIndexOf('-');
  // A word's end in the last third keeps the slug readable; otherwise a hard cut.
  return (lastBreak >= (MAX_SLUG_CHARS * 2) / 3 ? cut.slice(0, lastBreak) : cut.slice(0, MAX_SLUG_CHARS)).replace(/-+$/, '');
}

/**
 * The branch of a ticket's plan and implementation: `forgebot/<KEY>-<slug of the summary>`, or `forgebot/<KEY>`
 * when the summary has no ASCII letter or digit. The key keeps its case (Jira's keys are upper-case).
 */
export function ticketBranchName(key: string, summary: string): string {
  const slug = slugOf(summary);
  return `${TICKET_BRANCH_PREFIX}${key}${slug === '' ? '' : `-${slug}`}`;
}
