import { ACCEPTED_OUTCOMES, type FindingOutcome } from '../../domain/review-memory.js';
import type { OutcomeCount } from './review-memory-store.js';

/** One repository's and specialist's findings by outcome, and the share people accepted. */
export interface AcceptanceStats {
  repository: string;
  specialist: string;
  findings: number;
  fixed: number;
  resolved: number;
  wontFix: number;
  falsePositive: number;
  ignored: number;
  /** (fixed + resolved) / findings; 0 with no findings. */
  acceptanceRate: number;
}

const FIELD: Record<FindingOutcome, keyof Pick<AcceptanceStats, 'fixed' | 'resolved' | 'wontFix' | 'falsePositive' | 'ignored'>> = {
  fixed: 'fixed',
  resolved: 'resolved',
  'wont-fix': 'wontFix',
  'false-positive': 'falsePositive',
  ignored: 'ignored',
};

/** Adds the counts up per repository and specialist (sorted by both). */
export function acceptanceStats(counts: readonly OutcomeCount[]): AcceptanceStats[] {
  const rows = new Map<string, AcceptanceStats>();
  for (const count of counts) {
    const key = `${count.repository}\u0000${count.specialist}`;
    const row = rows.get(key) ?? { repository: count.repository, specialist: count.specialist, findings: 0, fixed: 0, resolved: 0, wontFix: 0, falsePositive: 0, ignored: 0, acceptanceRate: 0 };
    row[FIELD[count.outcome]] += count.count;
    row.findings += count.count;
    rows.set(key, row);
  }
  const accepted = (row: AcceptanceStats) => ACCEPTED_OUTCOMES.reduce((sum, outcome) => sum + row[FIELD[outcome]], 0);
  return [...rows.values()]
    .map((row) => ({ ...row, acceptanceRate: row.findings === 0 ? 0 : accepted(row) / row.findings }))
    .sort((a, b) => a.repository.localeCompare(b.repository) || a.specialist.localeCompare(b.specialist));
}
