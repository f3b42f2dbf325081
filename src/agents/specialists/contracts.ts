// The contracts between the parts of a multi-specialist review (see README "Specialist reviewers"):
//   route.ts      which reviewers run on this change (paths, labels, size, .forgebot.yml `pipeline:`)
//   catalog.ts    what each reviewer is told and its defaults
//   run-specialists.ts  runs them as concurrent conversations in this one sandbox, over one shared cached prefix
//   aggregate.ts  merges their findings into one list (duplicates, conflicting suggestions)
//   ../roles/validator  re-checks blocker and major findings against the code; what it cannot confirm is dropped
import type { Category, DroppedFinding, Finding, ReviewedFinding } from '../../domain/finding.js';
import type { PipelineSettings } from '../../domain/pipeline-settings.js';
import type { SpecialistName } from '../../domain/specialist-name.js';

/** One reviewer of the catalog. */
export interface SpecialistSpec {
  name: SpecialistName;
  /**
   * What this reviewer looks for and what it leaves to the others. Sent as the second block of the first user
   * message, after the brief's cache breakpoint: system prompt, tools and brief stay one shared cached prefix.
   * Starts with the line `Specialist: <name>.`
   */
  focus: string;
  /** The categories its findings belong in (a finding outside them is kept, but ranks below the owner's). */
  categories: readonly Category[];
  /** Globs of changed files that bring it in; empty: any changed file. */
  defaultPaths: readonly string[];
  /** Labels that bring it in whatever the paths and size. */
  defaultLabels: readonly string[];
  /** Lines changed in its files below which `auto` does not run it. */
  defaultMinChangedLines: number;
  /** Its budget weight before normalisation (general: the largest). */
  defaultShare: number;
  /** `auto`: routed by paths and size with no configuration; `opt-in`: only by a label or `when: always`. */
  byDefault: 'auto' | 'opt-in';
}

/** A changed file as routing sees it. */
export interface RoutedFile {
  path: string;
  /** Added + removed lines in the reviewed diff. */
  changedLines: number;
}

export interface RouteInput {
  files: readonly RoutedFile[];
  labels: readonly string[];
  pipeline: PipelineSettings;
  /** The review's model: a specialist's default. */
  model: string;
}

export interface RoutedSpecialist {
  name: SpecialistName;
  model: string;
  /** Its share of the review's budget; the shares of one plan add up to 1. */
  share: number;
  /** Why it runs (shown in the summary): `default`, `label security-review`, `7 changed .py files` … */
  reason: string;
}

export interface RoutePlan {
  /** general first; never empty (general always runs unless `when: never`, and then the first routed one does). */
  run: RoutedSpecialist[];
  /** Routed but not run (max_specialists, `when: never` where it would have run), with the reason. */
  notRun: { name: SpecialistName; reason: string }[];
}

/** route.ts: `export function routeSpecialists(input: RouteInput): RoutePlan` (pure). */
export type RouteSpecialists = (input: RouteInput) => RoutePlan;

/** What one specialist submitted (findings after its own conversation; before the line checks). */
export interface SpecialistFindings {
  specialist: SpecialistName;
  findings: readonly Finding[];
}

export interface Aggregated {
  /** One list, each finding with every specialist that raised it (`raisedBy`, the owner of its category first). */
  findings: ReviewedFinding[];
  duplicatesMerged: number;
  conflictsResolved: number;
  /** The rule that settled conflicting suggestions, in a sentence (shown in the summary). */
  conflictRule: string;
  /** What aggregation left out (a conflicting suggestion is dropped from its finding, not the finding): listed. */
  dropped: DroppedFinding[];
}

/** aggregate.ts: `export function aggregateFindings(runs: readonly SpecialistFindings[]): Aggregated` (pure). */
export type AggregateFindings = (runs: readonly SpecialistFindings[]) => Aggregated;
