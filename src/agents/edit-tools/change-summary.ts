import { git, nulFields } from './git.js';
import { withWorkingTreeIndex } from './scratch-index.js';

export interface ChangedPath {
  path: string;
  /** null for a binary file (numstat prints `-`). */
  added: number | null;
  deleted: number | null;
}

/** How far the working tree is from the starting commit, as `git diff --numstat` counts it. */
export interface ChangeSummary {
  paths: ChangedPath[];
  filesChanged: number;
  linesAdded: number;
  linesDeleted: number;
}

/** Reads `git diff --numstat -z --no-renames` output (one `added\tdeleted\tpath` field per file). */
export function parseNumstat(output: string): ChangeSummary {
  const paths: ChangedPath[] = [];
  for (const field of nulFields(output)) {
    const match = /^(-|\d+)\t(-|\d+)\t([\s\S]*)$/.exec(field);
    if (!match) throw new Error(`unexpected numstat line: ${field.slice(0, 100)}`);
    const count = (text: string | undefined) => (text === undefined || text === '-' ? null : Number(text));
    paths.push({ path: match[3] ?? '', added: count(match[1]), deleted: count(match[2]) });
  }
  return {
    paths,
    filesChanged: paths.length,
    linesAdded: paths.reduce((sum, path) => sum + (path.added ?? 0), 0),
    linesDeleted: paths.reduce((sum, path) => sum + (path.deleted ?? 0), 0),
  };
}

/** The numstat of a scratch index (see withWorkingTreeIndex) against `headSha`. */
export async function numstatOf(repoDir: string, headSha: string, indexFile: string): Promise<ChangeSummary> {
  return parseNumstat(await git(repoDir, ['diff', '--cached', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', headSha, '--'], { indexFile }));
}

/** Every change of the working tree (untracked files included) against `headSha`. */
export async function summarizeChanges(repoDir: string, headSha: string): Promise<ChangeSummary> {
  return withWorkingTreeIndex(repoDir, headSha, (indexFile) => numstatOf(repoDir, headSha, indexFile));
}
