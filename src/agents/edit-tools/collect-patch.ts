import type { AgentPatch } from '../../domain/patch.js';
import type { FileChange } from '../../domain/file-change.js';
import { numstatOf } from './change-summary.js';
import { git, gitBytes, nulFields } from './git.js';
import { withWorkingTreeIndex } from './scratch-index.js';

/** The working tree holds something a patch of whole files cannot carry (a symlink, a submodule). */
export class UnsupportedChangeError extends Error {}

const DIFF_OPTIONS = ['--cached', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv'];

/** `git ls-files -s -z`: mode and blob of every path of the index. */
async function indexEntries(repoDir: string, indexFile: string): Promise<Map<string, { mode: string; blob: string }>> {
  const entries = new Map<string, { mode: string; blob: string }>();
  for (const field of nulFields(await git(repoDir, ['ls-files', '--stage', '-z'], { indexFile }))) {
    const match = /^(\d{6}) ([0-9a-f]+) \d\t([\s\S]*)$/.exec(field);
    if (match?.[1] && match[2] && match[3] !== undefined) entries.set(match[3], { mode: match[1], blob: match[2] });
  }
  return entries;
}

/** `git diff --name-status -z`: alternating status and path fields (no renames, so one path each). */
function statuses(output: string): { status: string; path: string }[] {
  const fields = nulFields(output);
  const pairs: { status: string; path: string }[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) pairs.push({ status: fields[index] ?? '', path: fields[index + 1] ?? '' });
  return pairs;
}

/**
 * The agent's work: every change of the working tree (untracked files included, ignored ones not) against
 * `headSha`, as a binary-safe patch, as whole files for a commit API, and counted. The repository's own index and
 * files are left as they are.
 */
export async function collectPatch(repoDir: string, headSha: string): Promise<AgentPatch> {
  const baseSha = (await git(repoDir, ['rev-parse', '--verify', `${headSha}^{commit}`])).trim();
  return withWorkingTreeIndex(repoDir, baseSha, async (indexFile) => {
    const patch = await git(repoDir, ['diff', ...DIFF_OPTIONS, '--binary', '--full-index', '--src-prefix=a/', '--dst-prefix=b/', baseSha, '--'], { indexFile });
    const summary = await numstatOf(repoDir, baseSha, indexFile);
    const changed = statuses(await git(repoDir, ['diff', ...DIFF_OPTIONS, '--name-status', '-z', baseSha, '--'], { indexFile }));
    const entries = await indexEntries(repoDir, indexFile);
    const files: FileChange[] = [];
    for (const { status, path } of changed) {
      if (status === 'D') {
        files.push({ action: 'delete', path });
        continue;
      }
      const entry = entries.get(path);
      if (!entry) throw new Error(`${path} is changed but not in the index`);
      if (entry.mode !== '100644' && entry.mode !== '100755') {
        throw new UnsupportedChangeError(`${path} is a ${entry.mode === '120000' ? 'symbolic link' : entry.mode === '160000' ? 'submodule' : `mode ${entry.mode} entry`}: a patch carries regular files only`);
      }
      const content = await gitBytes(repoDir, ['cat-file', 'blob', entry.blob]);
      files.push({ action: status === 'A' ? 'create' : 'update', path, contentBase64: content.toString('base64'), executable: entry.mode === '100755' });
    }
    return { baseSha, patch, files, filesChanged: summary.filesChanged, linesAdded: summary.linesAdded, linesDeleted: summary.linesDeleted };
  });
}
