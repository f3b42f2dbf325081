import type { ChangedFile } from '../../domain/change-snapshot.js';

/** A file of `GET /repos/{owner}/{repo}/pulls/{n}/files`: the fields a review needs. */
export interface PullRequestFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previous_filename?: string;
  /** Absent for binary files and for diffs GitHub finds too large: the file is still listed, with no hunks. */
  patch?: string;
}

/** GitHub's `patch` holds only the `@@` hunks, as ChangedFile.diff does (no newline at the end: add one). */
export function toChangedFile(file: PullRequestFile): ChangedFile {
  const patch = file.patch ?? '';
  return {
    oldPath: file.previous_filename ?? file.filename,
    newPath: file.filename,
    newFile: file.status === 'added',
    deletedFile: file.status === 'removed',
    renamedFile: file.status === 'renamed',
    diff: patch === '' || patch.endsWith('\n') ? patch : `${patch}\n`,
  };
}
