import { positionInDiff } from '../../domain/diff-position.js';
import type { FakeMergeRequest, NotePosition } from './state.js';

/** GitLab's answer when a diff note's position does not resolve to a line of the diff. */
export const INVALID_LINE_CODE = 'Note {:line_code=>["can\'t be blank", "must be a valid line code"]}';

function lineOf(value: string | undefined): number | null {
  if (value === undefined || value === '' || value === 'null') return null;
  const line = Number(value);
  return Number.isInteger(line) && line > 0 ? line : null;
}

/**
 * Checks a text position the way GitLab does: its SHAs name a diff version of the MR, the file is in that
 * version, and the line is shown there with the right sides (added: new_line only, removed: old_line only,
 * unchanged context: both). Returns the position, or the 400 message.
 */
export function validatePosition(mr: FakeMergeRequest, fields: Record<string, string>): NotePosition | string {
  if (fields['position[position_type]'] !== 'text') return 'position[position_type] does not have a valid value';
  for (const sha of ['base_sha', 'start_sha', 'head_sha']) {
    if (!fields[`position[${sha}]`]) return `Note {:position=>["is incomplete"]} (position[${sha}] is missing)`;
  }
  const position: NotePosition = {
    base_sha: fields['position[base_sha]'] ?? '',
    start_sha: fields['position[start_sha]'] ?? '',
    head_sha: fields['position[head_sha]'] ?? '',
    position_type: 'text',
    old_path: fields['position[old_path]'] ?? fields['position[new_path]'] ?? '',
    new_path: fields['position[new_path]'] ?? fields['position[old_path]'] ?? '',
    old_line: lineOf(fields['position[old_line]']),
    new_line: lineOf(fields['position[new_line]']),
  };
  const version = mr.versions.find(
    (v) => v.head_commit_sha === position.head_sha && v.base_commit_sha === position.base_sha && v.start_commit_sha === position.start_sha,
  );
  const file = version?.files.find((f) => f.new_path === position.new_path && f.old_path === position.old_path);
  if (!file || (position.old_line === null && position.new_line === null)) return INVALID_LINE_CODE;
  const expected =
    position.new_line !== null ? positionInDiff(file.diff, position.new_line, 'new') : positionInDiff(file.diff, position.old_line ?? 0, 'old');
  if (!expected || (expected.newLine ?? null) !== position.new_line || (expected.oldLine ?? null) !== position.old_line) {
    return INVALID_LINE_CODE;
  }
  return position;
}
