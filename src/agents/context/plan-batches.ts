import type { NotReviewedFile } from '../../domain/finding.js';
import { ignoreMatchers, riskRank, skipReason } from './classify.js';
import type { DiffFile } from './diff-files.js';
import { estimateTokens } from './tokens.js';

/** A file as it goes into a batch: its diff section, cut to the batch budget when it alone is larger. */
export interface PlannedFile {
  file: DiffFile;
  text: string;
  tokens: number;
  /** The diff was cut: the model is told to read the rest with its tools. */
  partial: boolean;
}

export interface ReviewPlan {
  batches: PlannedFile[][];
  skipped: NotReviewedFile[];
}

/** The first `tokens` worth of a diff section, cut at a line, with a note saying where to read on. */
function cut(file: DiffFile, tokens: number): string {
  const chars = tokens * 4;
  const end = file.text.lastIndexOf('\n', chars);
  return `${file.text.slice(0, end > 0 ? end : chars)}\n… (diff of ${file.newPath} cut here to fit the budget: read the rest with read_diff or read_file)`;
}

/**
 * Orders the files by risk (source before tests and docs; more changed lines first), leaves out what is not worth
 * reviewing (each with its reason), and packs the rest into batches of at most `batchTokens`, each reviewed in turn.
 */
export function planBatches(files: readonly DiffFile[], options: { batchTokens: number; ignorePaths: readonly string[] }): ReviewPlan {
  const ignored = ignoreMatchers(options.ignorePaths);
  const skipped: NotReviewedFile[] = [];
  const candidates: DiffFile[] = [];
  for (const file of files) {
    const reason = skipReason(file, ignored);
    if (reason) skipped.push({ path: file.newPath, reason });
    else candidates.push(file);
  }
  candidates.sort((x, y) => riskRank(x.newPath) - riskRank(y.newPath) || y.added + y.removed - (x.added + x.removed) || (x.newPath < y.newPath ? -1 : 1));

  const batches: PlannedFile[][] = [];
  let current: PlannedFile[] = [];
  let used = 0;
  for (const file of candidates) {
    const whole = estimateTokens(file.text);
    const partial = whole > options.batchTokens;
    const text = partial ? cut(file, options.batchTokens) : file.text;
    const tokens = partial ? estimateTokens(text) : whole;
    if (current.length > 0 && used + tokens > options.batchTokens) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push({ file, text, tokens, partial });
    used += tokens;
  }
  if (current.length > 0) batches.push(current);
  return { batches, skipped };
}
