import type { CommitAction } from './commit-tree.js';
import { booleanField, stringField } from './request-body.js';

/** An action as parsed from the body, with the `last_commit_id` GitLab checks for update, move and delete. */
export interface ParsedAction {
  action: CommitAction;
  lastCommitId?: string;
}

const ACTIONS = new Set(['create', 'update', 'delete', 'move', 'chmod']);

/** GitLab refuses paths that climb out of the repository (`Gitlab::PathTraversal`) or name git's own folder. */
function validPath(path: string): boolean {
  const parts = path.split('/');
  return !path.startsWith('/') && !path.includes('\0') && parts.every((part) => part !== '' && part !== '.' && part !== '..' && part !== '.git');
}

function decode(content: string | undefined, encoding: string | undefined): Buffer {
  return encoding === 'base64' ? Buffer.from(content ?? '', 'base64') : Buffer.from(content ?? '', 'utf8');
}

/** Parses `actions[]` as Grape validates it; returns the actions or the 400 message (`actions[0][…] …`). */
export function parseActions(raw: unknown[]): ParsedAction[] | string {
  const parsed: ParsedAction[] = [];
  for (const [index, item] of raw.entries()) {
    const at = (field: string) => `actions[${index}][${field}]`;
    if (typeof item !== 'object' || item === null) return `${at('action')} is missing`;
    const fields = item as Record<string, unknown>;
    const kind = stringField(fields, 'action');
    const filePath = stringField(fields, 'file_path');
    if (!kind) return `${at('action')} is missing`;
    if (!ACTIONS.has(kind)) return `${at('action')} does not have a valid value`;
    if (!filePath) return `${at('file_path')} is missing`;
    if (!validPath(filePath)) return `${at('file_path')} should be a valid file path`;
    const encoding = stringField(fields, 'encoding');
    if (encoding !== undefined && encoding !== 'text' && encoding !== 'base64') return `${at('encoding')} does not have a valid value`;
    const content = stringField(fields, 'content');
    const lastCommitId = stringField(fields, 'last_commit_id');
    const withLast = (action: CommitAction): ParsedAction => (lastCommitId ? { action, lastCommitId } : { action });
    if (kind === 'create' || kind === 'update') {
      parsed.push(withLast({ action: kind, filePath, content: decode(content, encoding) }));
    } else if (kind === 'delete') {
      parsed.push(withLast({ action: 'delete', filePath }));
    } else if (kind === 'move') {
      const previousPath = stringField(fields, 'previous_path');
      if (!previousPath || !validPath(previousPath)) return `${at('previous_path')} should be a valid file path`;
      parsed.push(withLast({ action: 'move', filePath, previousPath, ...(content !== undefined ? { content: decode(content, encoding) } : {}) }));
    } else {
      const executable = booleanField(fields, 'execute_filemode');
      if (executable === undefined) return `${at('execute_filemode')} is missing`;
      parsed.push({ action: { action: 'chmod', filePath, executable } });
    }
  }
  return parsed;
}
