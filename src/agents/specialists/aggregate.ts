import type { DroppedFinding, Finding, ReviewedFinding } from '../../domain/finding.js';
import type { SpecialistName } from '../../domain/specialist-name.js';
import type { Aggregated, SpecialistFindings } from './contracts.js';
import { catalogIndex, ownership, severityRank } from './ownership.js';
import { findingWords, textSimilarity } from './similarity.js';
import {
  compareContenders, compareText, CONFLICT_RULE, droppedSuggestion, firstLine, sameSuggestion, settleSuggestions, type Contender,
} from './suggestion-conflicts.js';

/** Lines two findings may be apart (between their ranges) and still be one issue. */
export const NEARBY_LINES = 2;
/**
 * Text similarity (similarity.ts) from which two nearby findings are one issue: low when they share a category (the
 * words only need to agree on which issue of that kind), high across categories (one specialist filed it elsewhere).
 */
export const SAME_ISSUE = { sameCategory: 0.2, otherCategory: 0.45 } as const;
/** Entries of `dropped` at most (AggregationReport's limit); the count of conflicts stays exact. */
const MAX_DROPPED = 200;

interface Entry extends Contender {
  words: ReadonlySet<string>;
}

/** Findings of different specialists found to be one issue; `members` in the conflict rule's order. */
interface Cluster {
  members: Entry[];
  specialists: Set<SpecialistName>;
}

function keyOf(finding: Finding): string {
  return `${finding.side}\0${finding.path.trim().replace(/^\.\//, '')}`;
}

/** Same file and side (checked by the caller), ranges at most NEARBY_LINES apart, and the same issue. */
function sameIssue(a: Entry, b: Entry): number | undefined {
  const x = a.finding;
  const y = b.finding;
  if (firstLine(x) - NEARBY_LINES > y.line || firstLine(y) - NEARBY_LINES > x.line) return undefined;
  const sameCategory = x.category === y.category;
  // One line, one category: finalize-findings merges these too (finding-validation.ts), whatever the words.
  if (sameCategory && firstLine(x) <= y.line && firstLine(y) <= x.line) return 1;
  const similarity = textSimilarity(a.words, b.words);
  return similarity >= (sameCategory ? SAME_ISSUE.sameCategory : SAME_ISSUE.otherCategory) ? similarity : undefined;
}

/**
 * Groups the findings into issues: in the conflict rule's order, each joins the most similar cluster of its file that
 * has no finding of its specialist yet (one specialist's own duplicates are finalize-findings' to merge), or starts
 * one. Work: one cheap line check per pair of findings of one file, words compared only for nearby ones (9 × 100
 * findings in one file: at most ~400,000 line checks).
 */
function clusters(entries: readonly Entry[]): Cluster[] {
  const byFile = new Map<string, Cluster[]>();
  const all: Cluster[] = [];
  for (const entry of entries) {
    const key = keyOf(entry.finding);
    const candidates = byFile.get(key) ?? [];
    let best: { cluster: Cluster; score: number } | undefined;
    for (const cluster of candidates) {
      if (cluster.specialists.has(entry.specialist)) continue;
      for (const member of cluster.members) {
        const score = sameIssue(entry, member);
        if (score !== undefined && (!best || score > best.score)) best = { cluster, score };
      }
    }
    if (best) {
      best.cluster.members.push(entry);
      best.cluster.specialists.add(entry.specialist);
      continue;
    }
    const cluster: Cluster = { members: [entry], specialists: new Set([entry.specialist]) };
    candidates.push(cluster);
    byFile.set(key, candidates);
    all.push(cluster);
  }
  return all;
}

/**
 * One finding of a cluster, and the suggestions of its members that lost to the one it keeps (it can carry one: a
 * different suggestion of a duplicate is dropped even on other lines, and listed).
 */
function merged(cluster: Cluster): { contender: Contender & { finding: ReviewedFinding }; dropped: DroppedFinding[] } {
  const { members } = cluster;
  const [lead] = members;
  if (!lead) throw new Error('an empty cluster');
  const owner = [...members].sort((a, b) => a.ownership - b.ownership || compareContenders(a, b))[0] ?? lead;
  const raisedBy = [owner.specialist, ...members.map((member) => member.specialist).filter((name) => name !== owner.specialist).sort((a, b) => catalogIndex(a) - catalogIndex(b))];
  // members are in the rule's order: the first suggestion wins, and the merged finding sits on its lines.
  const suggesting = members.filter((member) => member.finding.suggestion !== undefined);
  const kept = suggesting[0];
  const place = kept ?? owner;
  const finding: ReviewedFinding = {
    path: place.finding.path,
    line: place.finding.line,
    ...(place.finding.startLine !== undefined ? { startLine: place.finding.startLine } : {}),
    side: owner.finding.side,
    severity: lead.finding.severity,
    category: owner.finding.category,
    confidence: Math.max(...members.map((member) => member.finding.confidence)),
    title: owner.finding.title,
    body: owner.finding.body,
    ...(kept?.finding.suggestion !== undefined ? { suggestion: kept.finding.suggestion } : {}),
    raisedBy,
  };
  const losers = kept ? suggesting.slice(1).filter((member) => !sameSuggestion(kept.finding, member.finding)) : [];
  const dropped = losers.map((member) => droppedSuggestion({ ...member.finding, raisedBy: [member.specialist] }, finding, 'merged'));
  return { contender: { finding, specialist: owner.specialist, ownership: owner.ownership }, dropped };
}

function compareOutput(a: ReviewedFinding, b: ReviewedFinding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.path, b.path) ||
    a.line - b.line ||
    firstLine(a) - firstLine(b) ||
    compareText(a.side, b.side) ||
    compareText(a.category, b.category) ||
    compareText(a.title, b.title) ||
    catalogIndex(a.raisedBy?.[0] ?? 'general') - catalogIndex(b.raisedBy?.[0] ?? 'general')
  );
}

/**
 * The specialists' findings as one list: duplicates across specialists (same file and side, lines at most
 * NEARBY_LINES apart, the same category or words that say the same) merged into one finding with the most severe
 * severity, the highest confidence, the words of the specialist that owns the issue (ownership.ts) and every
 * specialist that raised it; conflicting suggestions settled by CONFLICT_RULE. Sorted by severity, path and line;
 * the same output whatever the order of `runs`.
 */
export function aggregateFindings(runs: readonly SpecialistFindings[]): Aggregated {
  const entries: Entry[] = runs
    .flatMap((run) => run.findings.map((finding) => ({ finding, specialist: run.specialist, ownership: ownership(run.specialist, finding), words: findingWords(finding) })))
    .sort(compareContenders);
  const grouped = clusters(entries);
  const results = grouped.map(merged);
  const settled = settleSuggestions(results.map((result) => result.contender));
  const dropped = [...results.flatMap((result) => result.dropped), ...settled.dropped];
  return {
    findings: settled.findings.sort(compareOutput),
    duplicatesMerged: entries.length - grouped.length,
    conflictsResolved: dropped.length,
    conflictRule: CONFLICT_RULE,
    dropped: dropped.slice(0, MAX_DROPPED),
  };
}
